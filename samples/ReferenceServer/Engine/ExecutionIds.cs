using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>Execution ids: <c>wf_exec_</c> and 26 characters of Crockford base32 — 48 bits of milliseconds, 80 random bits (ULID-like, sortable).</summary>
internal static class ExecutionIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Create(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(milliseconds & 0xFF);
            milliseconds >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        Span<char> chars = stackalloc char[26];
        var value = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return "wf_exec_" + new string(chars);
    }
}
