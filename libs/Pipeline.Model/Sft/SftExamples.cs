// Training examples of the SFT stage: (prompt ids, response ids) pairs, the prompt being the Qwen3 chat prompt the
// RL stage renders (ArithVocabulary.PromptText) and the response a verbose chain of thought ending in the boxed answer
// and <|im_end|>, which is what the model learns to stop on. Examples are drawn afresh every step from a fixed pool
// of training problems: a difficulty by the mix weights, a problem of that difficulty, a verbosity uniform in
// [min, max] and the redundancy it implies — so the model learns the distribution of verbosity rather than one
// solution per problem, and its samples are as verbose on average as the training targets.
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Sft;

/// <summary>One training sequence: prompt tokens (no loss) followed by response tokens (loss), EOS included.</summary>
public sealed record SftExample(int[] PromptIds, int[] ResponseIds)
{
    public int Length => PromptIds.Length + ResponseIds.Length;
}

/// <summary>Draws SFT examples deterministically from a seed (see the file header).</summary>
public sealed class SftExampleSampler
{
    private readonly QwenTokenizer _tokenizer;
    private readonly VerbositySpec _verbosity;
    private readonly Random _random;
    private readonly List<(IReadOnlyList<ArithProblem> Pool, double Weight)> _levels;
    private readonly double _totalWeight;
    private readonly Dictionary<string, int[]> _promptIds = new(StringComparer.Ordinal);

    public SftExampleSampler(QwenTokenizer tokenizer, SftTaskSpec task, VerbositySpec verbosity, int seed)
    {
        _tokenizer = tokenizer;
        _verbosity = verbosity;
        _random = new Random(seed);
        _levels = Pools(task, seed).Where(l => l.Pool.Count > 0 && l.Weight > 0).ToList();
        if (_levels.Count == 0) throw new ArgumentException("the task mix selects no training problems", nameof(task));
        _totalWeight = _levels.Sum(l => l.Weight);
    }

    /// <summary>Distinct training problems per difficulty.</summary>
    public IReadOnlyDictionary<string, int> PoolSizes => _levels.ToDictionary(l => l.Pool[0].Level, l => l.Pool.Count);

    /// <summary>The next example.</summary>
    public SftExample Next()
    {
        var pool = PickLevel();
        var problem = pool[_random.Next(pool.Count)];
        var verbosity = _verbosity.Min + (_random.NextDouble() * (_verbosity.Max - _verbosity.Min));
        var solution = ArithSolutions.Verbose(problem, verbosity, _random);
        if (!_promptIds.TryGetValue(problem.Expression, out var prompt))
            _promptIds[problem.Expression] = prompt = [.. _tokenizer.Encode(ArithVocabulary.PromptText(problem.ToProblem()))];
        return new SftExample(prompt, ResponseIds(_tokenizer, solution));
    }

    /// <summary>Token ids of a response: the solution text followed by the tokenizer's EOS (&lt;|im_end|&gt;).</summary>
    public static int[] ResponseIds(QwenTokenizer tokenizer, string solution)
    {
        if (tokenizer.EosTokenIds.Count == 0) throw new ArgumentException("the tokenizer has no EOS token to end responses with", nameof(tokenizer));
        return [.. tokenizer.Encode(solution), tokenizer.EosTokenIds[0]];
    }

    /// <summary>The example for a given problem and solution text (tests and evaluation use it).</summary>
    public static SftExample Encode(QwenTokenizer tokenizer, ArithProblem problem, string solution) =>
        new([.. tokenizer.Encode(ArithVocabulary.PromptText(problem.ToProblem()))], ResponseIds(tokenizer, solution));

    private IReadOnlyList<ArithProblem> PickLevel()
    {
        var draw = _random.NextDouble() * _totalWeight;
        foreach (var (pool, weight) in _levels)
        {
            if (draw < weight) return pool;
            draw -= weight;
        }
        return _levels[^1].Pool;
    }

    private static IEnumerable<(IReadOnlyList<ArithProblem> Pool, double Weight)> Pools(SftTaskSpec task, int seed)
    {
        var mix = new[] { (Difficulty.Easy, task.Mix.Easy), (Difficulty.Medium, task.Mix.Medium), (Difficulty.Hard, task.Mix.Hard) };
        var total = mix.Sum(m => m.Item2);
        foreach (var (difficulty, weight) in mix)
        {
            var count = total <= 0 ? 0 : (int)Math.Round(task.Problems * weight / total);
            yield return (count == 0 ? [] : ArithTask.Problems("train", difficulty, count, seed, exhaustive: false), weight);
        }
    }
}
