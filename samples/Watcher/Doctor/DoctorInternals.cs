using System.Runtime.CompilerServices;

// The doctor's analysis is a pure function over an observation: the integration tests check it directly, without sockets.
[assembly: InternalsVisibleTo("ResilientSse.IntegrationTests")]
