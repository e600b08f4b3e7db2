using System.Buffers.Text;
using System.Net;
using System.Text;

namespace ResilientSse.Http.Internal;

/// <summary>The response being read: its status, headers and how its body ends.</summary>
internal sealed class Http1ResponseHead : IDisposable
{
    private readonly HttpRequestMessage _request;
    private readonly Http1Reuse? _reuse;
    private readonly int _maxLength;
    private HttpResponseMessage? _response;
    private Http1ResponseContent? _content;
    private bool _chunked;
    private bool _transferEncoding;
    private long _contentLength = -1;
    private bool _close;

    // Bytes of header sections taken so far, interim responses' included (a line counts with its line end).
    private int _length;

    public Http1ResponseHead(HttpRequestMessage request, Http1Reuse? reuse, int maxLength) => (_request, _reuse, _maxLength) = (request, reuse, maxLength);

    /// <summary>Gets whether no byte of any response has been taken yet.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>Throws when the lines taken so far and an unfinished one of <paramref name="pending"/> bytes reach the limit.</summary>
    /// <exception cref="HttpRequestException">The header section is too long.</exception>
    public void CheckRoomFor(int pending)
    {
        if (_length + pending >= _maxLength)
        {
            throw TooLong();
        }
    }

    /// <summary>
    /// Takes one line (without its line end; <paramref name="rawLength"/> counts it); true when it was the blank line
    /// that ends the headers.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> line, int rawLength)
    {
        _length += rawLength;
        if (_length > _maxLength)
        {
            throw TooLong();
        }

        if (_response is null)
        {
            StartResponse(line);
            return false;
        }

        if (!line.IsEmpty)
        {
            AddHeader(line);
            return false;
        }

        if ((int)_response.StatusCode is >= 100 and <= 199)
        {
            // An interim response (100 Continue, 103 Early Hints): the final one follows.
            Dispose();
            // The length goes on counting: endless interim responses run into the header limit like one endless header.
            (_response, _content, _chunked, _transferEncoding, _contentLength, _close) = (null, null, false, false, -1, false);
            return false;
        }

        return true;
    }

    public HttpResponseMessage Complete(Stream connection, byte[] buffer, int start, int end)
    {
        var status = (int)_response!.StatusCode;
        var framing = _request.Method == HttpMethod.Head || status is 204 or 304 ? Http1Framing.None
            : _chunked ? Http1Framing.Chunked
            : _transferEncoding || _contentLength < 0 ? Http1Framing.UntilClose
            : Http1Framing.ContentLength;
        // A connection carries another request only after an HTTP/1.1 response that does not say close and whose
        // end is framed (RFC 9112 §9.3).
        // Transfer-Encoding and Content-Length together ought to be handled as an error (RFC 9112 §6.3, request
        // smuggling): the body is read as chunked, the Content-Length dropped, and the connection not reused.
        var both = _transferEncoding && _contentLength >= 0;
        if (both)
        {
            _content!.Headers.Remove("Content-Length");
        }

        var reuse = _response.Version == HttpVersion.Version11 && !_close && !both && framing != Http1Framing.UntilClose ? _reuse : null;
        _content!.SetBody(new Http1BodyStream(connection, framing, _contentLength, buffer, start, end, reuse));
        return _response;
    }

    public void Dispose() => _response?.Dispose();

    private void StartResponse(ReadOnlySpan<byte> line)
    {
        // HTTP-version SP status-code [SP reason-phrase]
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != ' '
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100
            || (line.Length > 12 && line[12] != ' '))
        {
            throw Invalid($"its status line is not HTTP/1.x: \"{Printable(line)}\"");
        }

        if (status == 101)
        {
            throw Invalid("it switches protocols (101), which this handler does not do");
        }

        _content = new Http1ResponseContent();
        _response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Version = line[7] == '0' ? HttpVersion.Version10 : HttpVersion.Version11,
            RequestMessage = _request,
            Content = _content,
        };
        var reason = line.Length > 13 ? line[13..] : default;
        if (ControlCharacter(reason) is { } control)
        {
            throw Invalid($"its reason phrase holds the control character 0x{control:X2}");
        }

        if (!reason.IsEmpty && !Ascii.Equals(reason, _response.ReasonPhrase))
        {
            _response.ReasonPhrase = Encoding.Latin1.GetString(reason);
        }
    }

    private void AddHeader(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
        {
            throw Invalid($"a header line is malformed: \"{Printable(line)}\"");
        }

        var rawName = line[..colon];
        var rawValue = line[(colon + 1)..].Trim(" \t"u8);
        if (rawValue.IndexOfAny((byte)'\r', (byte)'\0') is var bad and >= 0)
        {
            // RFC 9110 §5.5: a field value with CR, LF or NUL is invalid; a recipient rejects it.
            throw Invalid($"the value of {Printable(rawName)} holds the control character 0x{rawValue[bad]:X2}");
        }
        if (Ascii.EqualsIgnoreCase(rawName, "Transfer-Encoding"u8))
        {
            // Chunked only as the last coding counts (RFC 9112 §6.3): otherwise the body runs to the close.
            _transferEncoding = true;
            _chunked = rawValue.TrimEnd(" \t"u8) is var codings && codings.Length >= 7 && Ascii.EqualsIgnoreCase(codings[^7..], "chunked"u8)
                && (codings.Length == 7 || codings[^8] is (byte)',' or (byte)' ' or (byte)'\t');
        }
        else if (Ascii.EqualsIgnoreCase(rawName, "Connection"u8))
        {
            _close |= HasToken(rawValue, "close"u8);
        }
        else if (Ascii.EqualsIgnoreCase(rawName, "Content-Length"u8))
        {
            // Digits only (RFC 9110 §8.6): no sign, no spaces, nothing after.
            if (rawValue.IsEmpty || rawValue.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                || !Utf8Parser.TryParse(rawValue, out long length, out var consumed) || consumed != rawValue.Length
                || (_contentLength >= 0 && _contentLength != length))
            {
                throw Invalid($"its Content-Length is not one length: \"{Printable(rawValue)}\"");
            }

            _contentLength = length;
        }

        var name = Encoding.Latin1.GetString(rawName);
        var value = Encoding.Latin1.GetString(rawValue);
        if (!_response!.Headers.TryAddWithoutValidation(name, value) && !_content!.Headers.TryAddWithoutValidation(name, value))
        {
            throw Invalid($"a header name is not a token: \"{Printable(rawName)}\"");
        }
    }

    /// <summary>Whether a comma-separated header value lists <paramref name="token"/> (case-insensitive).</summary>
    internal static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first control character in a reason phrase (horizontal tab aside), or null.</summary>
    private static byte? ControlCharacter(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                return b;
            }
        }

        return null;
    }

    private HttpRequestException TooLong() => new(HttpRequestError.ConfigurationLimitExceeded,
        $"The response's header section from {_request.RequestUri} is longer than {_maxLength} bytes ({nameof(Http1StreamingHandler.MaxResponseHeadersLength)}).");

    private HttpRequestException Invalid(string what) =>
        new(HttpRequestError.InvalidResponse, $"The server at {_request.RequestUri} sent an invalid HTTP/1.1 response: {what}.");

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 120)]);
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
