// Rollout and reward workers share one tokenizer across threads: concurrent Encode/Decode calls must
// give exactly what sequential calls give.
using System.Collections.Concurrent;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

[Collection(QwenTokenizerCollection.Name)]
public class ConcurrencyTests(QwenTokenizerFixture fixture)
{
    [Fact]
    public void EncodeDecode_ManyThreads_MatchSequentialResults()
    {
        var texts = OracleStrings.Generate(count: 2000, seed: 99);
        var sequential = QwenTokenizer.FromFolder(fixture.Folder);
        var expected = texts.Select(t => sequential.Encode(t).ToArray()).ToArray();
        var shared = QwenTokenizer.FromFolder(fixture.Folder);
        var failures = new ConcurrentBag<int>();

        Parallel.For(0, texts.Count * 3, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var k = i % texts.Count;
            var ids = shared.Encode(texts[k]);
            if (!ids.SequenceEqual(expected[k]) || shared.Decode(ids) != sequential.Decode(expected[k])) failures.Add(k);
        });

        Assert.Empty(failures);
    }
}
