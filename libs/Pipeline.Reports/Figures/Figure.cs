namespace Pipeline.Reports.Figures;

/// <summary>One rendered plot of a report: the PNG file name it is saved under, its alt text and caption, and its bytes.</summary>
public sealed record Figure(string FileName, string Title, string Caption, byte[] Png);
