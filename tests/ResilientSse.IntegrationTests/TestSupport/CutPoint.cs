namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Kinds of place in a response where an ending can strike.</summary>
internal enum CutPlace
{
    /// <summary>Inside the response head, after <see cref="CutPoint.Offset"/> bytes (at most its length - 1).</summary>
    InHead,

    /// <summary>Inside a line of the block that follows <see cref="CutPoint.Events"/> complete events, at least <see cref="CutPoint.Offset"/> bytes into it.</summary>
    InLine,

    /// <summary>
    /// Between the bytes of a multi-byte UTF-8 character after <see cref="CutPoint.Events"/> complete events; where the
    /// block's data has none, just before the end of its <c>data:</c> line (still inside the line).
    /// </summary>
    InUtf8,

    /// <summary>Right after the blank line that completes event number <see cref="CutPoint.Events"/> (0: after the <c>retry:</c> block).</summary>
    BetweenEvents,

    /// <summary>After <see cref="CutPoint.Offset"/> bytes of the response, wherever they fall (for responses that are not streams).</summary>
    AtByte,
}

/// <summary>Where an ending strikes; a point the response never reaches leaves it untouched.</summary>
internal sealed record CutPoint(CutPlace Place, int Events, int Offset)
{
    public override string ToString() => Place switch
    {
        CutPlace.InHead => $"in-head@{Offset}",
        CutPlace.AtByte => $"at-byte@{Offset}",
        CutPlace.BetweenEvents => $"after-event#{Events}",
        CutPlace.InUtf8 => $"in-utf8-after#{Events}",
        _ => $"in-line-after#{Events}+{Offset}",
    };
}
