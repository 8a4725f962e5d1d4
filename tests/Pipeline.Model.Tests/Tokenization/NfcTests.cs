// The managed NFC (the repo runs with invariant globalization, where string.Normalize does nothing).
// Expected values from UAX #15's examples, checked with Python's unicodedata.normalize("NFC", ...);
// the implementation was also compared with ICU on every code point and 2M random sequences when its
// tables were generated, and the oracle tests cover it end to end.
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public class NfcTests
{
    [Theory]
    [InlineData("e\u0301", "\u00E9")]                          // compose
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]               // Hangul L+V+T
    [InlineData("\uAC00\u11A8", "\uAC01")]                     // Hangul LV+T
    [InlineData("a\u0301\u0323", "\u1EA1\u0301")]              // reorder by combining class, then compose
    [InlineData("\u00E9\u0323", "\u1EB9\u0301")]               // decompose a composite to reorder
    [InlineData("A\u030A\u0301", "\u01FA")]                    // compose twice
    [InlineData("\u1E9B\u0323", "\u1E9B\u0323")]               // blocked: stays
    [InlineData("<\u0338", "\u226E")]                          // ASCII starter composes
    [InlineData("\u212B", "\u00C5")]                           // singleton (Angstrom sign)
    [InlineData("\u0958", "\u0915\u093C")]                     // composition exclusion
    [InlineData("\u0344", "\u0308\u0301")]                     // non-starter decomposition
    [InlineData("\U0001D15E", "\U0001D157\U0001D165")]         // astral exclusion
    [InlineData("\U00011099\U000110BA", "\U0001109A")]         // astral composition
    [InlineData("\u0301e", "\u0301e")]                         // leading non-starter
    public void Normalize_KnownCases_MatchUnicode(string input, string expected)
    {
        Assert.Equal(expected, Nfc.Normalize(input));
    }

    [Fact]
    public void Normalize_AlreadyNfcText_ReturnsSameInstance()
    {
        const string text = "Hello wörld, 你好, 한국어, 🦙";

        Assert.Same(text, Nfc.Normalize(text));
    }
}
