using System.Runtime.CompilerServices;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// Spreads the reconnections of many subscriptions to one origin in one process, so that a mass cut (a proxy or
/// server restart) does not bring them all back in the same instant. Reconnections are booked into 10 ms slots per
/// origin. A slot holds <see cref="MinimumPerSlot"/> reconnections (1,000 a second), or more when so many
/// subscriptions share the origin that a reconnection of all of them would take longer than <see cref="LongestSpread"/>.
/// So 2,000 watches cut at once come back over 2 s, 5 % of them in any 100 ms as booked (measured through a real proxy
/// on 2 busy cores: 9–10 %, as timers that fire late bunch up); a lone subscription, or a few dozen, are delayed by a
/// few milliseconds at most.
/// </summary>
/// <remarks>
/// One governor per <see cref="TimeProvider"/> (the process's clock, or a test's fake one); one lane per origin,
/// joined by each subscription for its lifetime. Booking only ever adds to a wait the policy chose, never shortens it.
/// </remarks>
internal sealed class ReconnectGovernor
{
    /// <summary>The longest time over which a reconnection of every subscription of an origin is spread.</summary>
    public static readonly TimeSpan LongestSpread = TimeSpan.FromSeconds(2);

    /// <summary>How many reconnections a slot takes at least, whatever the number of subscriptions.</summary>
    public const int MinimumPerSlot = 10;

    private static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(10);

    /// <summary>The window <see cref="Lane.Admit"/> counts reconnections over.</summary>
    private static readonly TimeSpan AdmissionWindow = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MinimumAdmissionWait = TimeSpan.FromMilliseconds(1);

    /// <summary>How many times the booked rate a window admits before it defers: room for jitter, none for a pile-up.</summary>
    private const int AdmissionSlack = 2;
    private static readonly ConditionalWeakTable<TimeProvider, ReconnectGovernor> ByClock = [];

    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    private ReconnectGovernor(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>Returns the governor of <paramref name="timeProvider"/>'s clock.</summary>
    public static ReconnectGovernor For(TimeProvider timeProvider) => ByClock.GetValue(timeProvider, static clock => new ReconnectGovernor(clock));

    /// <summary>Joins the lane of <paramref name="uri"/>'s origin; dispose the membership to leave it.</summary>
    public Membership Join(Uri uri)
    {
        var origin = uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Authority) : string.Empty;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(origin, out var lane))
            {
                lane = new Lane(this, origin);
                _lanes.Add(origin, lane);
            }

            lane.Members++;
            return new Membership(lane);
        }
    }

    private void Leave(Lane lane)
    {
        lock (_gate)
        {
            if (--lane.Members == 0)
            {
                _lanes.Remove(lane.Origin);
            }
        }
    }

    /// <summary>One subscription's place in its origin's lane: books its reconnections there, and leaves once disposed.</summary>
    internal sealed class Membership : IDisposable
    {
        private readonly Lane _lane;
        private int _left;

        internal Membership(Lane lane) => _lane = lane;

        /// <summary>Gets the number of subscriptions in the lane.</summary>
        internal int Members
        {
            get
            {
                lock (_lane.Governor._gate)
                {
                    return _lane.Members;
                }
            }
        }

        /// <inheritdoc cref="Lane.Reserve"/>
        public TimeSpan Reserve(TimeSpan delay) => _lane.Reserve(delay);

        /// <inheritdoc cref="Lane.Admit"/>
        public TimeSpan Admit() => _lane.Admit();

        /// <summary>Waits until <see cref="Admit"/> lets the reconnection go; at once when the lane is not piled up.</summary>
        public async Task WaitForAdmissionAsync(CancellationToken cancellationToken)
        {
            for (var wait = Admit(); wait > TimeSpan.Zero; wait = Admit())
            {
                await Task.Delay(wait, _lane.Governor._timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Leaves the lane; only the first call counts.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                _lane.Governor.Leave(_lane);
            }
        }
    }

    /// <summary>The reconnections of one origin: booked slots and the subscriptions that share them.</summary>
    internal sealed class Lane
    {
        private readonly ReconnectGovernor _governor;
        private readonly Dictionary<long, int> _booked = [];
        private readonly Queue<long> _admitted = new();

        internal Lane(ReconnectGovernor governor, string origin)
        {
            _governor = governor;
            Origin = origin;
        }

        /// <summary>Gets the origin (scheme, host and port).</summary>
        public string Origin { get; }

        /// <summary>Gets the governor the lane belongs to.</summary>
        public ReconnectGovernor Governor => _governor;

        /// <summary>Gets the number of subscriptions in the lane; guarded by the governor's lock.</summary>
        internal int Members { get; set; }

        /// <summary>
        /// Books a reconnection <paramref name="delay"/> from now, in the first slot at or after that time with room
        /// left, and returns the wait until it: <paramref name="delay"/>, or longer when the slots are full.
        /// </summary>
        public TimeSpan Reserve(TimeSpan delay)
        {
            var clock = _governor._timeProvider;
            var now = clock.GetUtcNow();
            var due = now + delay;
            var slotTicks = SlotLength.Ticks;
            lock (_governor._gate)
            {
                var perSlot = PerSlot();
                var slot = due.UtcTicks / slotTicks;
                Prune(now.UtcTicks / slotTicks);
                while (_booked.TryGetValue(slot, out var count) && count >= perSlot)
                {
                    slot++;
                }

                _booked[slot] = _booked.GetValueOrDefault(slot) + 1;
                var slotStart = new DateTimeOffset(slot * slotTicks, TimeSpan.Zero);
                return slotStart > due ? slotStart - now : delay;
            }
        }

        /// <summary>
        /// Lets a booked reconnection go now, or returns how long it waits first. Bookings spread the waits, but timers
        /// that fire late (a process starved of CPU, a pause) fire together: the reconnections actually starting in any
        /// <see cref="AdmissionWindow"/> are capped at twice the booked rate, so a pile-up is let out at that rate too.
        /// </summary>
        public TimeSpan Admit()
        {
            // The monotonic clock: a wall clock set back would hold admissions until it caught up.
            var clock = _governor._timeProvider;
            var now = clock.GetTimestamp();
            var window = AdmissionWindow.Ticks * clock.TimestampFrequency / TimeSpan.TicksPerSecond;
            lock (_governor._gate)
            {
                var limit = PerSlot() * (int)(AdmissionWindow.Ticks / SlotLength.Ticks) * AdmissionSlack;
                while (_admitted.Count > 0 && _admitted.Peek() <= now - window)
                {
                    _admitted.Dequeue();
                }

                if (_admitted.Count < limit)
                {
                    _admitted.Enqueue(now);
                    return TimeSpan.Zero;
                }

                // The oldest admission leaves the window then: later than now and at most one window away, so a caller
                // never spins (a millisecond at least, never a zero that would read as admitted) nor waits longer.
                var wait = clock.GetElapsedTime(now, _admitted.Peek() + window);
                return wait > MinimumAdmissionWait ? wait : MinimumAdmissionWait;
            }
        }

        // Guarded by the governor's lock.
        private int PerSlot() => Math.Max(MinimumPerSlot, (int)(Members / (LongestSpread.Ticks / SlotLength.Ticks)));

        private void Prune(long currentSlot)
        {
            // Bookings are few per subscription; forget past slots once they outnumber the subscriptions.
            if (_booked.Count <= (Members * 2) + 64)
            {
                return;
            }

            foreach (var slot in _booked.Keys.Where(slot => slot < currentSlot).ToList())
            {
                _booked.Remove(slot);
            }
        }
    }
}
