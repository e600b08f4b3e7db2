namespace ResilientSse.Watcher.Doctor;

/// <summary>How a connection told the server where to resume.</summary>
internal enum ResumeVia
{
    /// <summary>It did not: the stream starts wherever the server starts it.</summary>
    None,

    /// <summary>The <c>Last-Event-ID</c> header, as every EventSource does.</summary>
    Header,

    /// <summary>The <c>?lastEventId=</c> query parameter, for clients that cannot set headers.</summary>
    Query,
}
