using System.Net;

namespace ResilientSse.Http.Internal;

/// <summary>
/// A response's content over its <see cref="Http1BodyStream"/>: <see cref="HttpContent.ReadAsStreamAsync()"/> gives
/// the body itself, unbuffered. Disposal closes the connection.
/// </summary>
internal sealed class Http1ResponseContent : HttpContent
{
    private Stream _body = Stream.Null;

    /// <summary>Sets the body once the headers (which go into this content's headers first) have been read.</summary>
    public void SetBody(Stream body) => _body = body;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _body.CopyToAsync(stream, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _body.CopyTo(stream);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(_body);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult(_body);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => _body;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }
}
