using System.Net.Sockets;

namespace ResilientSse.Http.Internal;

/// <summary>Where a response's connection goes back to once its body has ended cleanly.</summary>
internal sealed class Http1Reuse(Http1ConnectionPool pool, string origin, Socket? socket)
{
    public void Return(Stream connection) => pool.Return(origin, connection, socket);
}
