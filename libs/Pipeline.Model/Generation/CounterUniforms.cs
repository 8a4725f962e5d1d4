// Counter-based uniforms for sampling: the draw for token t of stream s under seed k is a pure function of (k, s, t),
// in the manner of Philox in JAX and cuRAND (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3").
//
// Why not torch.Generator: it is a sequential stream, so the numbers a row receives depend on how many were drawn
// before it — i.e. on how many other rows were still in the batch at every earlier step. A row that finishes early
// (its own EOS or a smaller token limit) would then change the tokens of every row after it. With a counter-based
// draw each sequence's tokens depend only on its own seed, stream and position, which is what makes one generation at
// the largest budget equal, token for token, to a generation at any smaller limit (see BudgetSweep). TorchSharp
// exposes no counter-based generator, so the mixing is written here: the SplitMix64 finaliser (Steele, Lea & Flood
// 2014, a full-avalanche bijection on 64 bits) applied once per key component.
namespace Pipeline.Model.Generation;

/// <summary>Uniform numbers in [0, 1) addressed by (seed, stream, index) rather than drawn in sequence.</summary>
public static class CounterUniforms
{
    /// <summary>The uniform for draw <paramref name="index"/> of <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static double At(ulong seed, ulong stream, long index)
    {
        var h = Mix(seed + 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (stream + 0xD1B54A32D192ED03UL));
        h = Mix(h ^ ((ulong)index + 0x8CB92BA72F3D8DD7UL));
        return (h >> 11) * (1.0 / (1UL << 53)); // 53 random bits: every double in [0, 1) on a 2^-53 grid
    }

    /// <summary>A seed derived from <paramref name="seed"/> for a separate purpose (e.g. forced answers at one budget).</summary>
    public static ulong Derive(ulong seed, ulong purpose) => Mix(Mix(seed ^ 0x5851F42D4C957F2DUL) + purpose);

    // SplitMix64's output function: a bijection on 64 bits with full avalanche.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
