// Hand-written equivalence cases: fractions, thousands separators, units, degrees, percent, relations, tuples vs
// sets vs intervals, ±, expressions with variables, infinities, matrices, text answers and the tolerance edges.
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class MathEquivalenceTests
{
    [Theory]
    [InlineData("\\frac{1}{2}", "1/2", true)]
    [InlineData("\\dfrac12", "0.5", true)]
    [InlineData("\\tfrac{3}{4}", "3/4", true)]
    [InlineData("\\frac94\\pi", "\\frac{9}{4}\\pi", true)]
    [InlineData("\\frac1{72}", "1/72", true)]
    [InlineData("918\\frac{1}{2}", "918.5", true)]
    [InlineData("\\left( \\frac{1}{3} \\right)", "1/3", true)]
    [InlineData("\\frac{1}{3}", "0.33", false)]
    [InlineData("0.3333333", "\\frac13", true)]
    [InlineData("033", "33", true)]
    [InlineData(".5", "0.5", true)]
    [InlineData("1e-6", "0.000001", true)]
    [InlineData("2.5E3", "2500", true)]
    [InlineData("2e", "2 \\cdot e", true)]
    public void AreEquivalent_FractionsAndDecimals(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("1,000", "1000", true)]
    [InlineData("7,425,000", "7425000", true)]
    [InlineData("1{,}000", "1000", true)]
    [InlineData("11,\\!111", "11111", true)]
    [InlineData("1\\,000", "1000", true)]
    [InlineData("1 000", "1000", true)]
    [InlineData("1,000.5", "1000.5", true)]
    [InlineData("32, 349", "32349", false)]
    [InlineData("1,5", "1.5", false)]
    public void AreEquivalent_ThousandsSeparators(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("90^\\circ", "90", true)]
    [InlineData("90^{\\circ}", "90", true)]
    [InlineData("125\\text{ miles}", "125", true)]
    [InlineData("15\\mbox{ cm}^2", "15", true)]
    [InlineData("50 km/h", "50", true)]
    [InlineData("\\$10", "10", true)]
    [InlineData("50\\%", "50", true)]
    [InlineData("50\\%", "0.5", true)]
    [InlineData("28 percent", "28\\%", true)]
    [InlineData("0.5", "50", false)]
    [InlineData("2ab", "2", false)]
    public void AreEquivalent_UnitsDegreesPercent(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("x = 3", "3", true)]
    [InlineData("k=\\frac{1}{3}", "1/3", true)]
    [InlineData("x = 5+5+1 = 11", "11", true)]
    [InlineData("\\sqrt{4} = 2", "2", true)]
    [InlineData("x \\in [-2, 7]", "[-2,7]", true)]
    [InlineData("y = -\\frac{1}{2}x + \\frac{3}{4}", "2x + 4y - 3 = 0", true)]
    [InlineData("x \\geq 5", "5 \\le x", true)]
    [InlineData("-x > -1", "x < 1", true)]
    [InlineData("x > 5", "x < 5", false)]
    [InlineData("0", "a + 3z = 0", false)]
    [InlineData("11a+c", "7 = 11a+c", false)]
    [InlineData("\\frac{\\sqrt{3}}{3} \\approx 0.577", "\\frac{\\sqrt3}{3}", true)]
    [InlineData("-793 < a < 10", "(-793, 10)", true)]
    public void AreEquivalent_RelationsAndAssignments(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("(1, 2)", "(2, 1)", false)]
    [InlineData("(1,2)", "\\left( 1, 2 \\right)", true)]
    [InlineData("(1, 4.5)", "(1, \\frac{9}{2})", true)]
    [InlineData("[0, 1)", "(0, 1)", false)]
    [InlineData("[0,1)", "[0, 1)", true)]
    [InlineData("\\{1, 2\\}", "\\{2, 1\\}", true)]
    [InlineData("2, 1", "1, 2", true)]
    [InlineData("1 and 2", "2, 1", true)]
    [InlineData("1, 3", "(3, 1)", false)]
    [InlineData("1, 2", "1, 2, 3", false)]
    [InlineData("(1,2), (3,4)", "(3,4),(1,2)", true)]
    [InlineData("(-\\infty, 0) \\cup (1, \\infty)", "(-\\infty,0)\\cup(1,\\infty)", true)]
    [InlineData("(-\\infty, 0] \\cup (1, \\infty)", "(-\\infty,0)\\cup(1,\\infty)", false)]
    [InlineData("\\pm 2", "2, -2", true)]
    [InlineData("2", "\\pm 2", false)]
    [InlineData("1 \\pm \\sqrt{5}", "1-\\sqrt5, 1+\\sqrt5", true)]
    public void AreEquivalent_TuplesSetsIntervals(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("x^2+2x+1", "(x+1)^2", true)]
    [InlineData("2x", "x+x", true)]
    [InlineData("x(y+1)", "xy + x", true)]
    [InlineData("\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+2}{7}", true)]
    [InlineData("\\sec^2(y)", "\\tan^2(y)+1", true)]
    [InlineData("2 \\sin b \\cos a", "2\\cos(a)\\sin(b)", true)]
    [InlineData("\\sqrt{8}", "2\\sqrt{2}", true)]
    [InlineData("\\sqrt[3]{-8}", "-2", true)]
    [InlineData("2\\pi", "\\pi + \\pi", true)]
    [InlineData("e^{i\\pi}", "-1", true)]
    [InlineData("\\log_2 8", "3", true)]
    [InlineData("5!", "120", true)]
    [InlineData("\\binom{5}{2}", "10", true)]
    [InlineData("x + 1", "y + 1", false)]
    [InlineData("x^2+2x+1", "x^3+2x+1", false)]
    [InlineData("f(y)", "f(x)", false)]
    public void AreEquivalent_ExpressionsWithVariables(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("\\infty", "+\\infty", true)]
    [InlineData("-\\infty", "\\infty", false)]
    [InlineData("10^{10^{10}}", "10^{10^{11}}", false)]
    [InlineData("16386.16", "16386.17", false)]
    [InlineData("12000023", "12000024", false)]
    [InlineData("999999999999999", "999999999999998", false)]
    [InlineData("0.0666668", "0.066666793", true)]
    [InlineData("0.0000001", "0.0000002", false)]
    [InlineData("\\sqrt{17}", "4.123105625617661", true)]
    [InlineData("5", "5.001", false)]
    public void AreEquivalent_ToleranceAndInfinity(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }

    [Theory]
    [InlineData("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", true)]
    [InlineData("\\begin{pmatrix} \\frac12 & 0 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{pmatrix}0.5&0\\\\0&1\\\\\\end{pmatrix}", true)]
    [InlineData("\\begin{pmatrix} 1 & 1 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{pmatrix}1&0\\\\0&1\\end{pmatrix}", false)]
    [InlineData("\\text{(C)}", "C", true)]
    [InlineData("odd", "\\text{odd}", true)]
    [InlineData("dog", "god", false)]
    [InlineData("204_5", "204_5", true)]
    [InlineData("", "5", false)]
    [InlineData("5", "", false)]
    public void AreEquivalent_MatricesAndText(string answer, string gold, bool expected)
    {
        Assert.Equal(expected, MathEquivalence.AreEquivalent(answer, gold));
    }
}
