using ResilientSse.Http;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>The primary handler a contract scenario runs its HttpClient over.</summary>
public enum ClientHandler
{
    /// <summary>.NET's <see cref="SocketsHttpHandler"/>, as <c>new HttpClient()</c> has.</summary>
    Sockets,

    /// <summary>The library's <see cref="Http1StreamingHandler"/>.</summary>
    Http1Streaming,
}
