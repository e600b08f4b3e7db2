namespace ResilientSse.Watcher.Doctor;

/// <summary>One thing <c>doctor</c> found: a stable <see cref="Code"/> for scripts, what it saw, and what to do about it.</summary>
/// <param name="Code">A stable identifier, one of <see cref="FindingCodes"/>.</param>
/// <param name="Severity">Whether it needs action.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Evidence">What was observed, with the numbers.</param>
/// <param name="Advice">What to change, or empty when nothing needs changing.</param>
internal sealed record Finding(string Code, FindingSeverity Severity, string Summary, string Evidence, string Advice);
