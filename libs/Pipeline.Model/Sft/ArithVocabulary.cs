// The tokenizer of the tiny reasoner: a Qwen-style byte-level BPE (TokenizerFiles.QwenStyle) whose vocabulary holds
// one token per text piece that the synthetic arithmetic task produces — the chat template's words ("user",
// "assistant"), the prompt template's (" Let", "'s", " think", …, " \", "boxed", "{}."), and the redundancy phrases
// of the verbose solutions (" wait", " recompute", " check", " ok", …) — so prompts and solutions are short in
// tokens. Pieces are found the way the tokenizer itself splits text (added tokens, then Qwen's split regex), so each
// listed piece really is reached as one token; Qwen's regex splits digits one by one, so numbers stay digit
// sequences (good for learning arithmetic). The piece list is derived from a fixed sample of the task, so it is
// deterministic and follows any change of wording in ArithSolutions or the prompt template.
//
// BPE merges are ranked by first appearance (TokenizerFiles.ByteLevelBpe), and a word is one token only if no
// earlier merge cuts across it; OrderForMerges finds an order in which every piece merges whole.
using System.Text.RegularExpressions;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Sft;

/// <summary>The vocabulary and tokenizer files of the synthetic arithmetic task (see the file header).</summary>
public static class ArithVocabulary
{
    private static readonly Regex Split = new(TokenizerFiles.QwenSplitPattern, RegexOptions.Compiled);
    private static readonly string[] AddedTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"];
    private static readonly Lazy<IReadOnlyList<string>> CachedWords = new(() => OrderForMerges(CollectPieces(Corpus())));

    /// <summary>The words that become single tokens, in merge order.</summary>
    public static IReadOnlyList<string> Words() => CachedWords.Value;

    /// <summary>The tokenizer: byte-level BPE over <see cref="Words"/> plus Qwen's chat tokens (EOS &lt;|im_end|&gt;).</summary>
    public static TokenizerFolderSpec TokenizerSpec() => TokenizerFiles.QwenStyle(Words());

    /// <summary>Writes tokenizer.json and tokenizer_config.json into <paramref name="folder"/>.</summary>
    public static void Write(string folder) => TokenizerFiles.Write(folder, TokenizerSpec());

    /// <summary>The prompt text of a problem, as the RL stage renders it: the Qwen3 chat format around the math template.</summary>
    public static string PromptText(Problem problem) =>
        QwenChatTemplate.Format([new ChatMessage("user", PromptTemplate.Math.Render(problem))], addGenerationPrompt: true, enableThinking: true);

    /// <summary>Prompts and solutions (minimal and fully verbose) of a fixed sample of every difficulty.</summary>
    internal static IEnumerable<string> Corpus()
    {
        var random = new Random(0);
        foreach (var difficulty in new[] { Difficulty.Easy, Difficulty.Medium, Difficulty.Hard })
        {
            foreach (var problem in ArithTask.Problems("train", difficulty, 100, exhaustive: false))
            {
                yield return PromptText(problem.ToProblem());
                yield return ArithSolutions.Minimal(problem);
                yield return ArithSolutions.Verbose(problem, 1.0, random);
                yield return ArithSolutions.Verbose(problem, 0.5, random);
            }
        }
    }

    /// <summary>The pieces the tokenizer's pre-tokenizer cuts <paramref name="text"/> into (added tokens removed).</summary>
    internal static IEnumerable<string> Pieces(string text)
    {
        foreach (var segment in text.Split(AddedTokens, StringSplitOptions.RemoveEmptyEntries))
            foreach (Match match in Split.Matches(segment))
                yield return match.Value;
    }

    /// <summary>Distinct pieces longer than one byte (single bytes and digits are tokens already).</summary>
    private static List<string> CollectPieces(IEnumerable<string> corpus) =>
        corpus.SelectMany(Pieces).Where(p => ByteLevel.Encode(p).Length > 1 && !p.Any(char.IsDigit))
            .Distinct(StringComparer.Ordinal).OrderByDescending(p => p.Length).ThenBy(p => p, StringComparer.Ordinal).ToList();

    /// <summary>
    /// An order of <paramref name="words"/> in which each one BPE-merges to a single token: words that a rival merge
    /// would cut are moved to the front (their merges then rank first) until none is cut.
    /// </summary>
    internal static IReadOnlyList<string> OrderForMerges(IReadOnlyList<string> words)
    {
        var order = words.ToList();
        for (var round = 0; round < 100; round++)
        {
            var ranks = MergeRanks(order);
            var cut = order.Where(w => Merge(ByteLevel.Encode(w), ranks) != 1).ToList();
            if (cut.Count == 0) return order;
            order = [.. cut, .. order.Except(cut)];
        }
        throw new InvalidOperationException("no merge order makes every task word a single token");
    }

    /// <summary>Merge ranks as ByteLevelBpe assigns them: each word's left-to-right merges, in first-seen order.</summary>
    private static Dictionary<(string, string), int> MergeRanks(IEnumerable<string> words)
    {
        var ranks = new Dictionary<(string, string), int>();
        foreach (var word in words)
        {
            var symbols = ByteLevel.Encode(word);
            var current = symbols[..1];
            foreach (var next in symbols[1..])
            {
                ranks.TryAdd((current, next.ToString()), ranks.Count);
                current += next;
            }
        }
        return ranks;
    }

    /// <summary>How many tokens BPE leaves of <paramref name="symbols"/>: merge the best-ranked adjacent pair until none applies.</summary>
    private static int Merge(string symbols, Dictionary<(string, string), int> ranks)
    {
        var parts = symbols.Select(c => c.ToString()).ToList();
        while (parts.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < parts.Count; i++)
            {
                if (ranks.TryGetValue((parts[i], parts[i + 1]), out var rank) && rank < bestRank) (best, bestRank) = (i, rank);
            }
            if (best < 0) break;
            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }
        return parts.Count;
    }
}
