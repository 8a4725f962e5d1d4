// Property tests (CsCheck): decoding what was encoded gives the NFC form of the input back, for any
// valid Unicode string — ASCII-heavy, arbitrary code points, and text with added tokens in it.
using CsCheck;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

[Collection(QwenTokenizerCollection.Name)]
public class RoundTripTests(QwenTokenizerFixture fixture)
{
    private static readonly Gen<int> AnyScalar = Gen.Int[0, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF);

    private static readonly Gen<int> MostlyText = Gen.Frequency(
        (6, Gen.Int[0x20, 0x7E]),
        (2, Gen.OneOfConst(0x09, 0x0A, 0x0D, 0x20, 0x20, 0x3000, 0x00A0)),
        (2, Gen.Int[0x300, 0x36F]),
        (2, Gen.Int[0x4E00, 0x9FFF]),
        (1, Gen.Int[0xAC00, 0xD7A3]),
        (1, Gen.Int[0x1F300, 0x1FAFF]),
        (2, AnyScalar));

    private static readonly Gen<string> Texts = MostlyText.Array[0, 40].Select(cps => string.Concat(cps.Select(char.ConvertFromUtf32)));

    private static readonly Gen<(string Before, string Token, string After)> TextsAroundAddedToken =
        Gen.Select(Texts, Gen.OneOfConst("<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>"), Texts);

    [Fact]
    public void DecodeEncode_AnyText_GivesNfcInput()
    {
        Texts.Sample(text => Assert.Equal(Nfc.Normalize(text), fixture.Tokenizer.Decode(fixture.Tokenizer.Encode(text))), iter: 3000);
    }

    [Fact]
    public void DecodeEncode_TextWithAddedToken_NormalisesOnlyAroundTheToken()
    {
        // Added tokens are cut out before NFC (as in HF): "<think>" + U+0338 must not become "<think≯".
        TextsAroundAddedToken.Sample(
            t => Assert.Equal(
                Nfc.Normalize(t.Before) + t.Token + Nfc.Normalize(t.After),
                fixture.Tokenizer.Decode(fixture.Tokenizer.Encode(t.Before + t.Token + t.After))),
            iter: 1000);
    }

    [Fact]
    public void Encode_AnyText_EveryIdIsInTheVocabulary()
    {
        Texts.Sample(text => Assert.All(fixture.Tokenizer.Encode(text), id => Assert.NotNull(fixture.Tokenizer.IdToToken(id))), iter: 500);
    }
}
