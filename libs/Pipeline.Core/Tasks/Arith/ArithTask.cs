using Pipeline.Core.Spec;

namespace Pipeline.Core.Tasks.Arith;

/// <summary>
/// The built-in synthetic reasoning task <c>synthetic:arith</c>: multi-step addition/subtraction problems whose
/// prompts and answers look like math prompts (graded by the math or exact verifier).
/// </summary>
/// <remarks>
/// The problem stream is a pure function of (split, difficulty, stream seed): the i-th candidate is drawn from a
/// generator seeded by (stream seed, i), and a problem belongs to the test split iff a stable hash of its expression
/// falls in the test fifth — so train and test are disjoint by construction and the test set does not depend on any
/// experiment's seed. Duplicates within a split are skipped. The training order is shuffled by the experiment's
/// seed elsewhere; this class only defines which problems exist.
/// </remarks>
public static class ArithTask
{
    /// <summary>One in this many distinct problems is held out for the test split.</summary>
    public const int TestFraction = 5;

    // Consecutive draws without a new problem after which a split counts as exhausted.
    private const int MaxMisses = 20_000;

    /// <summary>The first <paramref name="count"/> distinct problems of a split.</summary>
    /// <param name="exhaustive">When false, a split with fewer distinct problems returns all it has instead of throwing.</param>
    /// <exception cref="InvalidOperationException">The level has fewer distinct problems than asked for.</exception>
    public static IReadOnlyList<ArithProblem> Problems(string split, Difficulty difficulty, int count, int streamSeed = 0, bool exhaustive = true)
    {
        if (split is not ("train" or "test")) throw new ArgumentException($"unknown split '{split}'; expected train or test", nameof(split));
        var levels = ArithLevel.For(difficulty);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<ArithProblem>(count);
        var misses = 0;
        for (var i = 0; problems.Count < count; i++)
        {
            var random = new Random(HashCode32(streamSeed, i));
            var problem = ArithProblem.Draw(levels[random.Next(levels.Count)], random);
            var expression = problem.Expression;
            if (IsTest(expression) == (split == "test") && seen.Add(expression))
            {
                problems.Add(problem);
                misses = 0;
            }
            else if (++misses > MaxMisses)
            {
                if (!exhaustive) break;
                throw new InvalidOperationException(
                    $"synthetic:arith ({difficulty}, {split}) has only {problems.Count} distinct problems; {count} were asked for");
            }
        }
        return problems;
    }

    /// <summary>Whether a problem (by its expression) belongs to the held-out test split.</summary>
    public static bool IsTest(string expression) => Fnv1a(expression) % TestFraction == 0;

    // FNV-1a: stable across processes and platforms (string.GetHashCode is randomised per process).
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }

    private static int HashCode32(int seed, int index) => (int)Fnv1a($"{seed}:{index}");
}
