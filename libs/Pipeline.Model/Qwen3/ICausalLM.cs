// The one seam between the model and the code that drives it (scoring, generation): a causal LM that maps token ids
// to next-token logits, optionally through a KV cache. Qwen3ForCausalLM implements it; tests implement it with a
// mock of known logits to check samplers and the generation loop without a real network.
//
// Shapes: B batch, T new tokens, P tokens already in the cache, V vocab.
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>A causal language model: next-token logits for every input position.</summary>
public interface ICausalLM
{
    /// <summary>Rows of the logits (token ids must lie in [0, VocabSize)).</summary>
    int VocabSize { get; }

    /// <summary>Where inputs and outputs live.</summary>
    Device Device { get; }

    /// <summary>
    /// Logits (B, T, V) in the model's dtype for <paramref name="inputIds"/> (B, T) of integer dtype.
    /// <paramref name="positionIds"/> (B, T): rotary positions, default P + 0 … P + T − 1 for every row.
    /// <paramref name="attentionMask"/> (B, P + T): true/1 for real tokens, false/0 for padding, default all real.
    /// With a <paramref name="cache"/> only the new tokens are processed and the cache advances by T.
    /// <paramref name="logitsToKeep"/> &gt; 0 returns only the last that many positions, (B, logitsToKeep, V), as HF's
    /// argument of that name: a prefill needs one row, not T × V floats.
    /// Throws <see cref="ArgumentException"/> (never aborts) on ids outside the vocabulary or inconsistent shapes.
    /// </summary>
    Tensor Forward(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0);

    /// <summary>An empty KV cache for <paramref name="batchSize"/> rows; <paramref name="capacity"/> slots preallocated.</summary>
    KvCache NewCache(long batchSize, int capacity);
}
