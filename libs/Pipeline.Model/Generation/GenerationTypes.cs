// The records a generate call takes and returns. Token ids and both kinds of log-probabilities line up one to one
// (see Samplers for which log-probabilities are which); the token that ended a sequence (an EOS id, or the token
// that completed a stop string) is included, because the policy produced it and the learner trains on it.
namespace Pipeline.Model.Generation;

/// <summary>One prompt and its own limit on new tokens (requests in one batch may differ in both).</summary>
public sealed record GenerationRequest(IReadOnlyList<int> PromptIds, int MaxNewTokens)
{
    /// <summary>
    /// The random stream of this request's draws (with the options' seed): the same seed, stream, prompt and model give
    /// the same tokens whatever else is in the batch. Null: the request's index in the batch.
    /// </summary>
    public ulong? Stream { get; init; }
}

/// <summary>Why a sequence ended, with the names the rollout messages use.</summary>
public enum FinishReason
{
    /// <summary>An EOS id was sampled or a stop string appeared in the generated text.</summary>
    Stop,

    /// <summary>The request's MaxNewTokens were generated without a stop.</summary>
    Length,
}

/// <summary>Options shared by every request of one generate call.</summary>
public sealed record GenerationOptions
{
    public SamplingOptions Sampling { get; init; } = new();

    /// <summary>Any of these ids ends a sequence (e.g. 151645 &lt;|im_end|&gt; and 151643 &lt;|endoftext|&gt;).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>A sequence ends once the decoded generated text contains any of these (needs <see cref="Decode"/>).</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Token ids → text (the tokenizer's decode); required for stop strings, and fills <see cref="GenerationResult.Text"/>.</summary>
    public Func<IReadOnlyList<int>, string>? Decode { get; init; }

    /// <summary>Seeds the draws (with each request's stream): the same seed, model, requests and options give the same tokens. Null: a random seed.</summary>
    public ulong? Seed { get; init; }
}

/// <summary>One request's completion.</summary>
/// <param name="TokenIds">Generated ids (prompt excluded), ending with the stop token when FinishReason is Stop by EOS.</param>
/// <param name="LogProbs">Per token: log-probability under the distribution sampled from (after temperature, top-k, top-p).</param>
/// <param name="RawLogProbs">Per token: log-probability under softmax(logits / temperature) only; equals TokenScorer's.</param>
/// <param name="FinishReason">Stop (EOS id or stop string) or Length (hit MaxNewTokens).</param>
/// <param name="Text">Decoded TokenIds when a decoder was given, else null.</param>
public sealed record GenerationResult(int[] TokenIds, float[] LogProbs, float[] RawLogProbs, FinishReason FinishReason, string? Text);
