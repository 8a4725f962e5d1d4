// The GPT-2 byte-to-unicode alphabet behind byte-level BPE (HF tokenizers' `ByteLevel` pre-tokenizer
// and decoder, OpenAI's `bytes_to_unicode`): every UTF-8 byte is shown as one printable character
// (a space is 'Ġ', a newline 'Ċ'), so BPE tokens are plain strings such as "Ġhello".
// Decoding mirrors HF's ByteLevel decoder exactly: a token whose characters are all in the alphabet
// becomes those bytes; any other token (an added token such as "<|im_start|>" is in the alphabet,
// but one containing a space is not) contributes its own UTF-8 bytes; the concatenated bytes are
// read as UTF-8 with U+FFFD for invalid sequences (maximal subparts, as Rust's from_utf8_lossy).
using System.Text;

namespace Pipeline.Model.Tokenization;

/// <summary>The byte-level alphabet: UTF-8 bytes ⇄ the printable characters used in BPE tokens.</summary>
public static class ByteLevel
{
    private static readonly char[] ByteToChar = BuildAlphabet();
    private static readonly short[] CharToByte = BuildReverse(ByteToChar);

    /// <summary>The 256 alphabet characters, indexed by byte value.</summary>
    public static IReadOnlyList<char> Alphabet => ByteToChar;

    /// <summary>Text as a byte-level token string: "a b" → "aĠb", "é" → "Ã©".</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, b) =>
        {
            for (var i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]];
        });
    }

    /// <summary>The bytes a token stands for, by HF's rule (alphabet characters, else the token's own UTF-8).</summary>
    public static byte[] TokenBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            var b = c < CharToByte.Length ? CharToByte[c] : (short)-1;
            if (b < 0) return Encoding.UTF8.GetBytes(token);
            bytes[i] = (byte)b;
        }
        return bytes;
    }

    /// <summary>Decodes a byte-level token string back to text (invalid UTF-8 becomes U+FFFD).</summary>
    public static string Decode(string token) => Encoding.UTF8.GetString(TokenBytes(token));

    private static char[] BuildAlphabet()
    {
        // Printable Latin-1 bytes keep their character; the other 68 bytes map to U+0100.. in byte order.
        var map = new char[256];
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildReverse(char[] alphabet)
    {
        var reverse = new short[alphabet.Max() + 1];
        Array.Fill(reverse, (short)-1);
        for (var b = 0; b < alphabet.Length; b++) reverse[alphabet[b]] = (short)b;
        return reverse;
    }
}
