// A per-layer key/value cache for incremental decoding, as HF's DynamicCache but preallocated: each layer holds
// K and V of shape (B, Hkv, capacity, D) and the first Length slots along the time axis are filled. A forward with
// a cache writes the new tokens' K/V at [Length, Length + T) in every layer, attends over [0, Length + T), and then
// advances Length by T. Slots are shared by the whole batch: in a left-padded batch the padding occupies slots too and
// the attention mask hides them. Capacity grows (doubling) when a forward would overflow it, so the capacity given
// at creation is a hint, not a limit.
//
// Shapes: B batch rows, Hkv key/value heads, D head_dim, T new tokens.
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Preallocated per-layer K/V cache of shape (B, Hkv, capacity, D); see the file header.</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly long _kvHeads;
    private readonly long _headDim;
    private readonly Device _device;
    private readonly ScalarType _dtype;

    /// <summary>
    /// An empty cache. <paramref name="layers"/> may be 0: a model without attention (a test mock) still tracks Length.
    /// </summary>
    public KvCache(int layers, long batchSize, int kvHeads, int headDim, int capacity, Device device, ScalarType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (_kvHeads, _headDim, _device, _dtype) = (kvHeads, headDim, device, dtype);
        BatchSize = batchSize;
        Capacity = capacity;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            _keys[i] = NewSlots(capacity);
            _values[i] = NewSlots(capacity);
        }
    }

    public int Layers => _keys.Length;

    /// <summary>Rows in the batch (shrinks when <see cref="KeepRows"/> drops finished sequences).</summary>
    public long BatchSize { get; private set; }

    /// <summary>Time slots filled so far (including left padding).</summary>
    public int Length { get; private set; }

    /// <summary>Time slots allocated.</summary>
    public int Capacity { get; private set; }

    /// <summary>
    /// Writes the new K/V (B, Hkv, T, D) of <paramref name="layer"/> at slots [Length, Length + T) and returns views of
    /// all filled slots, (B, Hkv, Length + T, D). Length itself moves only in <see cref="Advance"/>, once per forward.
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var added = (int)keys.shape[2];
        if (keys.shape[0] != BatchSize)
            throw new ArgumentException($"KV cache holds {BatchSize} rows but the forward has {keys.shape[0]}");
        if (Length + added > Capacity) Grow(Math.Max(2 * Capacity, Length + added));
        _keys[layer].narrow(2, Length, added).copy_(keys);
        _values[layer].narrow(2, Length, added).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + added), _values[layer].narrow(2, 0, Length + added)); // (B, Hkv, S, D)
    }

    /// <summary>Marks <paramref name="tokens"/> more slots as filled (called by the model after all layers appended).</summary>
    public void Advance(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        if (Length + tokens > Capacity) Grow(Math.Max(2 * Capacity, Length + tokens));
        Length += tokens;
    }

    /// <summary>Keeps only the given batch rows, in that order (drops finished sequences so they cost no compute).</summary>
    public void KeepRows(IReadOnlyList<long> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("a KV cache must keep at least one row", nameof(rows));
        if (rows.Any(r => r < 0 || r >= BatchSize))
            throw new ArgumentOutOfRangeException(nameof(rows), $"row indices must lie in [0, {BatchSize})");
        using var index = torch.tensor(rows.ToArray(), device: _device);
        for (var i = 0; i < Layers; i++)
        {
            Replace(ref _keys[i], _keys[i].index_select(0, index));
            Replace(ref _values[i], _values[i].index_select(0, index));
        }
        BatchSize = rows.Count;
    }

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t.Dispose();
    }

    private void Grow(int capacity)
    {
        for (var i = 0; i < Layers; i++)
        {
            Replace(ref _keys[i], GrownCopy(_keys[i], capacity));
            Replace(ref _values[i], GrownCopy(_values[i], capacity));
        }
        Capacity = capacity;
    }

    private Tensor GrownCopy(Tensor old, int capacity)
    {
        var grown = NewSlots(capacity); // (B, Hkv, capacity, D)
        grown.narrow(2, 0, Length).copy_(old.narrow(2, 0, Length));
        return grown;
    }

    private Tensor NewSlots(int capacity) =>
        torch.zeros([BatchSize, _kvHeads, capacity, _headDim], _dtype, _device).DetachFromDisposeScope(); // (B, Hkv, capacity, D)

    private static void Replace(ref Tensor slot, Tensor replacement)
    {
        var old = slot;
        slot = replacement.DetachFromDisposeScope();
        old.Dispose();
    }
}
