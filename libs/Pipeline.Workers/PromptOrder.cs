using Pipeline.Core.Tasks;

namespace Pipeline.Workers;

/// <summary>
/// The training prompts in training order: epoch e is a permutation of the problems drawn from (seed, e), so the
/// whole order is a pure function of the seed and a position in it (the cursor) is all a checkpoint must keep to
/// resume without repeating or skipping a prompt.
/// </summary>
public sealed class PromptOrder
{
    private readonly IReadOnlyList<Problem> _problems;
    private readonly int _seed;
    private int[] _order = [];
    private int _epoch = -1;

    public PromptOrder(IReadOnlyList<Problem> problems, int seed, long cursor = 0)
    {
        if (problems.Count == 0) throw new ArgumentException("no training problems", nameof(problems));
        (_problems, _seed, Cursor) = (problems, seed, cursor);
    }

    /// <summary>How many prompts have been drawn; the next one drawn has this position.</summary>
    public long Cursor { get; private set; }

    public (Problem Problem, long Position) Next()
    {
        var position = Cursor++;
        return (At(position), position);
    }

    /// <summary>The problem at a position of the training order (prompts drawn earlier can be drawn again on resume).</summary>
    public Problem At(long position)
    {
        var epoch = (int)(position / _problems.Count);
        if (epoch != _epoch)
        {
            _order = Enumerable.Range(0, _problems.Count).ToArray();
            // A stable mix (HashCode.Combine is randomised per process, which would break resume across processes).
            new Random(unchecked(_seed * 1_000_003 + epoch * 7_919 + 17)).Shuffle(_order);
            _epoch = epoch;
        }
        return _problems[_order[position % _problems.Count]];
    }
}
