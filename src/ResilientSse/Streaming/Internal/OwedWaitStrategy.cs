using System.Diagnostics.CodeAnalysis;
using Polly;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// A Polly.Core strategy that keeps the one rule of every stream request, in <see cref="SseClient"/> and the
/// execution watcher alike: no request goes out before the wait the previous answer earned (<c>Retry-After</c>,
/// <c>retry:</c>, backoff — <see cref="WaitPolicy"/>) has passed. The wait owed is read from the
/// <see cref="WaitLedger"/> carried in the <see cref="ResilienceContext"/>, so one pipeline serves many watches.
/// </summary>
internal sealed class OwedWaitStrategy : ResilienceStrategy
{
    /// <summary>The context property that carries the ledger of the subscription or watch.</summary>
    public static readonly ResiliencePropertyKey<WaitLedger> LedgerKey = new("ResilientSse.WaitLedger");

    private readonly TimeProvider _timeProvider;

    private OwedWaitStrategy(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>Adds the strategy to <paramref name="builder"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "OwedWaitStrategyOptions declares no data annotations: Polly's options validation has nothing to reflect on.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(Options))]
    public static TBuilder AddTo<TBuilder>(TBuilder builder)
        where TBuilder : ResiliencePipelineBuilderBase =>
        builder.AddStrategy(static context => new OwedWaitStrategy(context.TimeProvider), new Options());

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        if (context.Properties.TryGetValue(LedgerKey, out var ledger) && ledger.Remaining is { } wait && wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _timeProvider, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (OperationCanceledException ex)
            {
                return Outcome.FromException<TResult>(ex);
            }
        }

        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>The strategy's options: only its name, for Polly's telemetry.</summary>
    private sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "OwedWait";
    }
}
