using System.Globalization;
using System.Text;
using Pipeline.Reports.Figures;
using Pipeline.Reports.Runs;
using static System.Net.WebUtility;

namespace Pipeline.Reports.Html;

/// <summary>What a report page shows: its runs and the rendered figures by section.</summary>
internal sealed record ReportContent(
    IReadOnlyList<ReportRun> Runs, IReadOnlyList<Figure> Training, IReadOnlyList<Figure> Budgets, IReadOnlyList<Figure> Lengths,
    IReadOnlyList<string> Notes, string ImageFolder);

/// <summary>
/// The report as one self-contained HTML page: plots embedded as base64 <c>data:</c> URIs (each also saved as a PNG
/// under <see cref="ReportContent.ImageFolder"/>, named in the image's <c>data-file</c>), no scripts, no external
/// styles. Sections: key figures (base vs final at the largest budget), training stages in words, training curves,
/// accuracy vs budget, length distributions, and the before/after table of every run.
/// </summary>
internal static class ReportPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 1680px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
        h3 { font-size: 1.05em; margin-bottom: 0.3em; } .meta { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; } th { background: #f3f3f3; }
        td.name, th.name { text-align: left; } .better { color: #1a7f37; } .worse { color: #b42318; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1.2em; }
        figure { margin: 0; } figure img { width: 100%; max-width: 800px; height: auto; border: 1px solid #eee; } figcaption { color: #555; font-size: 0.9em; }
        .note { color: #8a6d00; }
        """;

    public static string Render(ReportContent content)
    {
        var runs = content.Runs;
        var html = new StringBuilder();
        var title = runs.Count == 1 ? $"Run report: {runs[0].Label}" : $"Comparison: {string.Join(" vs ", runs.Select(r => r.Label))}";
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{HtmlEncode(title)}</title>
            <style>
            {Style}
            </style>
            </head>
            <body>
            <h1>{HtmlEncode(title)}</h1>

            """);
        foreach (var run in runs)
            html.Append(CultureInfo.InvariantCulture,
                $"<p class=\"meta\">{HtmlEncode(run.Label)}: {HtmlEncode(run.Folder.Path)} — {(run.Folder.Metrics.Count == 0 ? "an evaluation without training" : $"{run.Folder.Metrics.Count} training steps (step {run.Folder.Metrics[0].Step} to {run.Folder.Metrics[^1].Step})")}</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Plots are embedded below and saved as PNG files in {HtmlEncode(content.ImageFolder)}/.</p>\n");

        KeyFigures(html, runs);
        if (runs.Any(r => r.Folder.Metrics.Count > 0)) html.Append("<h2>Training stages</h2>\n");
        foreach (var run in runs.Where(r => r.Folder.Metrics.Count > 0))
            html.Append(CultureInfo.InvariantCulture, $"<p>{(runs.Count > 1 ? $"<strong>{HtmlEncode(run.Label)}.</strong> " : "")}{HtmlEncode(StageText.Describe(run))}</p>\n");
        Figures(html, "Training curves", content.Training, content.ImageFolder);
        Figures(html, "Accuracy across budgets", content.Budgets, content.ImageFolder);
        Figures(html, "Length distributions at the largest budget", content.Lengths, content.ImageFolder);
        foreach (var note in content.Notes) html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{HtmlEncode(note)}</p>\n");
        BeforeAfterTables(html, runs);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void KeyFigures(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<h2>Key figures</h2>\n");
        var rows = runs.SelectMany(run => SummaryTable.Compare(run.Folder.Evaluations).Select(set => (run, set))).ToList();
        if (rows.Count == 0)
        {
            html.Append("<p>No evaluations: the run's spec.data.eval is empty.</p>\n");
            return;
        }
        html.Append("<p>Base model (first evaluation) against the final checkpoint, at the largest budget of each evaluation set.</p>\n<table>\n<tr>");
        if (runs.Count > 1) html.Append("<th class=\"name\">run</th>");
        html.Append("<th class=\"name\">set</th><th>budget</th><th>steps</th><th>Mean@k</th><th>Pass@k</th><th>mean length</th><th>length change</th></tr>\n");
        foreach (var (run, set) in rows)
        {
            var row = set.Budgets[^1];
            html.Append("<tr>");
            if (runs.Count > 1) html.Append(CultureInfo.InvariantCulture, $"<td class=\"name\">{HtmlEncode(run.Label)}</td>");
            html.Append(CultureInfo.InvariantCulture,
                $"<td class=\"name\">{HtmlEncode(set.Dataset)}</td><td>{row.Budget}</td><td>{set.FirstStep} → {set.LastStep}</td>" +
                $"<td>{Change(row.Before.MeanAtK, row.After?.MeanAtK)}</td><td>{Change(row.Before.PassAtK, row.After?.PassAtK)}</td>" +
                $"<td>{Tokens(row.Before.MeanLength)} → {Tokens(row.After?.MeanLength)}</td><td>{LengthChange(row.LengthChange)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void BeforeAfterTables(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<h2>Before / after</h2>\n");
        foreach (var run in runs)
        {
            var sets = SummaryTable.Compare(run.Folder.Evaluations);
            if (sets.Count == 0) html.Append(CultureInfo.InvariantCulture, $"<p>{HtmlEncode(run.Label)}: no evaluations.</p>\n");
            foreach (var set in sets)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<h3>{(runs.Count > 1 ? HtmlEncode(run.Label) + ": " : "")}{HtmlEncode(set.Dataset)}, step {set.FirstStep} → step {set.LastStep} ({set.Problems} problems × {set.Samples} samples)</h3>\n");
                html.Append("<table>\n<tr><th>budget</th><th>Mean@k before</th><th>after</th><th>Pass@k before</th><th>after</th>" +
                    "<th>mean length before</th><th>after</th><th>change</th></tr>\n");
                foreach (var row in set.Budgets)
                    html.Append(CultureInfo.InvariantCulture,
                        $"<tr><td>{row.Budget}</td><td>{Percent(row.Before.MeanAtK)}</td><td>{Percent(row.After?.MeanAtK)}</td>" +
                        $"<td>{Percent(row.Before.PassAtK)}</td><td>{Percent(row.After?.PassAtK)}</td>" +
                        $"<td>{Tokens(row.Before.MeanLength)}</td><td>{Tokens(row.After?.MeanLength)}</td><td>{LengthChange(row.LengthChange)}</td></tr>\n");
                html.Append("</table>\n");
            }
        }
    }

    private static void Figures(StringBuilder html, string heading, IReadOnlyList<Figure> figures, string imageFolder)
    {
        if (figures.Count == 0) return;
        html.Append(CultureInfo.InvariantCulture, $"<h2>{HtmlEncode(heading)}</h2>\n<div class=\"figures\">\n");
        foreach (var figure in figures)
            html.Append(CultureInfo.InvariantCulture,
                $"<figure><img src=\"data:image/png;base64,{Convert.ToBase64String(figure.Png)}\" alt=\"{HtmlEncode(figure.Title)}\" " +
                $"data-file=\"{HtmlEncode(imageFolder + "/" + figure.FileName)}\"><figcaption>{HtmlEncode(figure.Caption)}</figcaption></figure>\n");
        html.Append("</div>\n");
    }

    private static string Change(double? before, double? after) => $"{Percent(before)} → {Percent(after)}";

    private static string Percent(double? value) =>
        value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Tokens(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "n/a";

    // Shorter is the goal, so a fall is marked as better.
    private static string LengthChange(double? change) => change switch
    {
        null => "n/a",
        < 0 => $"<span class=\"better\">{change.Value.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)}</span>",
        _ => $"<span class=\"worse\">{change.Value.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)}</span>",
    };
}
