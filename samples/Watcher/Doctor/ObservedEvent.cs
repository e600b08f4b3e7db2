namespace ResilientSse.Watcher.Doctor;

/// <summary>One dispatched event as it arrived.</summary>
/// <param name="Id">Its <c>id:</c> field, or null when it had none.</param>
/// <param name="Type">Its <c>event:</c> field, <c>message</c> when none.</param>
/// <param name="ArrivedAt">When its closing blank line arrived, from the start of the observation.</param>
/// <param name="ArrivedWall">The same instant on the wall clock, to compare with <paramref name="Timestamp"/>.</param>
/// <param name="Timestamp">The <c>timestamp</c> its JSON data carried, if any.</param>
/// <param name="Bytes">Its size on the wire: every line of it, with line ends, and the blank line.</param>
internal sealed record ObservedEvent(string? Id, string Type, TimeSpan ArrivedAt, DateTimeOffset ArrivedWall, DateTimeOffset? Timestamp, long Bytes);
