using SkiaSharp;

namespace Pipeline.Reports.Tests;

/// <summary>Checks that bytes are a PNG that decodes (signature, then SkiaSharp's decoder) and returns the bitmap.</summary>
internal static class PngAssert
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static SKBitmap Decodes(byte[] png, string what)
    {
        Assert.True(png.Length > 1000, $"{what}: only {png.Length} bytes");
        Assert.True(png.AsSpan(0, Signature.Length).SequenceEqual(Signature), $"{what}: no PNG signature");
        var bitmap = SKBitmap.Decode(png);
        Assert.True(bitmap is not null, $"{what}: SkiaSharp cannot decode it");
        Assert.InRange(bitmap.Width, 400, 2000);
        Assert.InRange(bitmap.Height, 250, 1500);
        return bitmap;
    }

    /// <summary>Pixels that are not (near) white in a horizontal band of the image.</summary>
    public static int InkInBand(SKBitmap bitmap, int top, int bottom)
    {
        var ink = 0;
        for (var y = top; y < bottom; y++)
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red < 200 || pixel.Green < 200 || pixel.Blue < 200) ink++;
            }
        return ink;
    }
}
