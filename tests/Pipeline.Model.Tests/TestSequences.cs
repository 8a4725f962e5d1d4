namespace Pipeline.Model.Tests;

/// <summary>Deterministic random token sequences for model tests.</summary>
internal static class TestSequences
{
    public static int[][] Random(int seed, int vocabSize, params int[] lengths)
    {
        var random = new Random(seed);
        return lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(vocabSize)).ToArray()).ToArray();
    }
}
