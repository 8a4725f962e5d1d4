// Varied, seeded test strings for parity with the HF Rust tokenizers: random code points from many
// scripts (combining marks, astral letters and digits, emoji with ZWJ, odd whitespace), numbers,
// whitespace runs, code, contractions, LaTeX and embedded added tokens. No lone surrogates (Rust
// strings cannot hold them).
using System.Text;

namespace Pipeline.Model.Tests.Tokenization;

internal static class OracleStrings
{
    private static readonly (int From, int To)[] Ranges =
    [
        (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x24F), (0x300, 0x36F), (0x370, 0x3FF),
        (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF),
        (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x2070, 0x209F), (0x2100, 0x214F), (0x2190, 0x22FF), (0x3000, 0x303F),
        (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFE00, 0xFE0F), (0xFF00, 0xFFEF),
        (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF), (0x20000, 0x2A6DF), (0xE0000, 0xE007F),
    ];

    private static readonly string[] Whitespace = [" ", "  ", "\t", "\n", "\r\n", "\n\n", "\u00A0", "\u3000", "\u2028", "\u000B", "\f", "\u0085", " \n "];

    private static readonly string[] Fragments =
    [
        "Hello", " world", "I'm", " you'RE", " it'S", " we'll", "'d", "Führer", "naïve", "e\u0301", "ñ", "한국어", "日本語のテキスト",
        "中文字符", "Привет", "مرحبا", "नमस्ते", "ภาษาไทย", "🦙", "👨‍👩‍👧", "🏳️‍🌈", "1️⃣", "\\boxed{42}", "\\frac{1}{2}", "$x^2+y^2=z^2$",
        "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|im_", "<thi", "<|endoftext|>", "3.14159", "1,234,567", "٣٤٥",
        "０１２", "Ⅻ", "𝟘𝟙", "𝐀𝐁c", "def f(x):\n    return x**2\n", "if (a && b) { c++; }", "```python\nprint('hi')\n```", "....", "!!!", "--",
    ];

    public static List<string> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
            result.Add((i % 5) switch
            {
                0 => RandomCodePoints(random),
                1 => Mixed(random),
                2 => Numbers(random),
                3 => WhitespaceRuns(random),
                _ => Mixed(random) + RandomCodePoints(random),
            });
        return result;
    }

    private static string RandomCodePoints(Random random)
    {
        var builder = new StringBuilder();
        var length = random.Next(1, 24);
        for (var i = 0; i < length; i++)
        {
            var (from, to) = Ranges[random.Next(Ranges.Length)];
            builder.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
        }
        return builder.ToString();
    }

    private static string Mixed(Random random)
    {
        var builder = new StringBuilder();
        var parts = random.Next(1, 8);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
            if (random.Next(3) == 0) builder.Append(Whitespace[random.Next(Whitespace.Length)]);
        }
        return builder.ToString();
    }

    private static string Numbers(Random random) => random.Next(4) switch
    {
        0 => random.NextInt64(0, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => (random.NextDouble() * 1e6).ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
        2 => $"{random.Next(100)} + {random.Next(1000)} = {random.Next(10000)}",
        _ => $"x{random.Next(10)}_{random.Next(100000)}e-{random.Next(30)}",
    };

    private static string WhitespaceRuns(Random random)
    {
        var builder = new StringBuilder();
        var parts = random.Next(1, 10);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(Whitespace[random.Next(Whitespace.Length)]);
            if (random.Next(2) == 0) builder.Append(Whitespace[random.Next(Whitespace.Length)]);
            if (random.Next(2) == 0) builder.Append("word"[..random.Next(1, 5)]);
        }
        return builder.ToString();
    }
}
