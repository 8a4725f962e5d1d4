// One real Qwen3 tokenizer folder per test run (built from ../shared/data in a temp folder), loaded by
// our QwenTokenizer and by the HF Rust tokenizers (Tokenizers.DotNet) as the independent oracle.
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public sealed class QwenTokenizerFixture : IDisposable
{
    public QwenTokenizerFixture()
    {
        Folder = TokenizerTestData.NewTempFolder("qwen-tokenizer");
        TokenizerTestData.WriteQwenFolder(Folder);
        Tokenizer = QwenTokenizer.FromFolder(Folder);
        Oracle = new Tokenizers.DotNet.Tokenizer(Path.Combine(Folder, "tokenizer.json"));
    }

    public string Folder { get; }

    public QwenTokenizer Tokenizer { get; }

    /// <summary>HF tokenizers (Rust). Its Decode drops special tokens.</summary>
    public Tokenizers.DotNet.Tokenizer Oracle { get; }

    public int[] OracleEncode(string text) => Oracle.Encode(text).Select(id => (int)id).ToArray();

    public string OracleDecode(IEnumerable<int> ids) => Oracle.Decode(ids.Select(id => (uint)id).ToArray());

    public void Dispose()
    {
        Oracle.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { /* best effort */ }
    }
}

[CollectionDefinition(Name)]
public sealed class QwenTokenizerCollection : ICollectionFixture<QwenTokenizerFixture>
{
    public const string Name = "Qwen tokenizer";
}
