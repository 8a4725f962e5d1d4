// A small recursive-descent parser from normalised LaTeX / plain math to a MathNode tree.
//
// Why not a library: NCalc (referenced by the project) reads `^` as XOR, has no implicit multiplication
// (`2x`, `2\pi`, `x(y+1)`) and knows no LaTeX (`\frac12`, `\sqrt[3]{x}`, `\sin^2 x`); answers need all three.
// Model output is only ever parsed into a tree and evaluated numerically — never executed.
//
// Grammar (whitespace ignored):
//   sum      := product (('+' | '-') product)*
//   product  := unary (('*' | '/') unary | <implicit ×> power)*
//   unary    := ('-' | '+') unary | power
//   power    := postfix ('^' exponent)?          exponent: {group}, a whole number, one letter, a command; right-assoc
//   postfix  := primary '!'*
//   primary  := number | letter[_sub]['] | word | (sum) | [sum] | {sum} | |sum| | π | ∞ | \command
//   commands := \frac a b, \binom a b, \sqrt[n]{x}, \sin…\ln \log_b \exp (optionally ^power, argument in ( ), { }
//               or an implicit product: `\sin 2x`), \lfloor…\rfloor, \lceil…\rceil, Greek letters as variables.
// TeX's one-token arguments are honoured for \frac and \sqrt (`\frac12` = 1/2, `\sqrt3`), but a plain exponent
// takes the whole number (`2^10` = 1024, the plain-text reading), and `1e-6` is scientific notation (but `2e` is
// 2·e). Runs of two letters are products (`ab` = a·b);
// runs of three or more that are not function names are one opaque symbol (`AZYUK`), so a word never equals its
// anagram. Anything else (\sum, \lim, \int, unknown commands) fails the parse; callers then compare text.
// Bounded: at most MaxLength characters and MaxDepth nesting levels.
using System.Globalization;

namespace Pipeline.Core.Verifiers;

internal sealed class MathExpressionParser
{
    private const int MaxLength = 1000;
    private const int MaxDepth = 48;
    private static readonly string[] PlainFunctions =
        ["arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sqrt", "sin", "cos", "tan", "sec", "csc", "cot", "exp", "abs", "log", "ln"];
    private static readonly HashSet<string> Greek = new(StringComparer.Ordinal)
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    };

    private readonly string _text;
    private int _pos;
    private int _depth;
    private int _absDepth;

    private MathExpressionParser(string text) => _text = text;

    /// <summary>The parsed tree, or null when the text is not a (supported) math expression.</summary>
    public static MathNode? TryParse(string text)
    {
        if (text.Length == 0 || text.Length > MaxLength) return null;
        var parser = new MathExpressionParser(text);
        try
        {
            var node = parser.ParseSum();
            parser.SkipSpaces();
            return parser._pos == text.Length ? node : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private MathNode ParseSum()
    {
        Enter();
        var left = ParseProduct();
        while (true)
        {
            SkipSpaces();
            var c = Peek();
            if (c is not ('+' or '-')) break;
            _pos++;
            left = new BinaryNode(c, left, ParseProduct());
        }
        _depth--;
        return left;
    }

    private MathNode ParseProduct()
    {
        var left = ParseUnary();
        while (true)
        {
            SkipSpaces();
            var c = Peek();
            if (c is '*' or '/')
            {
                _pos++;
                left = new BinaryNode(c, left, ParseUnary());
            }
            else if (StartsOperand()) left = new BinaryNode('*', left, ParsePower());
            else return left;
        }
    }

    private MathNode ParseUnary()
    {
        SkipSpaces();
        var c = Peek();
        if (c is not ('-' or '+')) return ParsePower();
        _pos++;
        Enter();
        var operand = ParseUnary();
        _depth--;
        return c == '-' ? new NegateNode(operand) : operand;
    }

    private MathNode ParsePower()
    {
        var operand = ParsePrimary();
        SkipSpaces();
        while (Peek() == '!')
        {
            _pos++;
            operand = new FactorialNode(operand);
        }
        if (Peek() != '^') return operand;
        _pos++;
        return new BinaryNode('^', operand, ParseExponent());
    }

    private MathNode ParseExponent()
    {
        Enter();
        SkipSpaces();
        var c = Peek();
        MathNode exponent;
        if (c is '-' or '+')
        {
            _pos++;
            var inner = ParseExponent();
            exponent = c == '-' ? new NegateNode(inner) : inner;
        }
        else
        {
            exponent = c == '{' ? ParseGroup('{', '}')
                : char.IsAsciiDigit(c) || c == '.' ? ParseNumber()
                : char.IsAsciiLetter(c) ? ParseLetter()
                : ParsePrimary();
            SkipSpaces();
            if (Peek() == '^')
            {
                _pos++;
                exponent = new BinaryNode('^', exponent, ParseExponent());
            }
        }
        _depth--;
        return exponent;
    }

    private MathNode ParsePrimary()
    {
        SkipSpaces();
        var c = Peek();
        if (char.IsAsciiDigit(c) || c == '.') return ParseNumber();
        if (char.IsAsciiLetter(c)) return ParseWord();
        switch (c)
        {
            case '(': return ParseGroup('(', ')');
            case '[': return ParseGroup('[', ']');
            case '{': return ParseGroup('{', '}');
            case '|': return ParseAbsolute();
            case 'π': _pos++; return ConstantNode.Pi;
            case '∞': _pos++; return ConstantNode.Infinity;
            case '\\': return ParseCommand();
            default: throw new FormatException("unexpected character");
        }
    }

    private MathNode ParseGroup(char open, char close)
    {
        Expect(open);
        var inner = ParseSum();
        SkipSpaces();
        Expect(close);
        return inner;
    }

    private MathNode ParseAbsolute()
    {
        Expect('|');
        _absDepth++;
        var inner = ParseSum();
        SkipSpaces();
        Expect('|');
        _absDepth--;
        return new FunctionNode("abs", inner);
    }

    private MathNode ParseNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (Peek() == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))
        {
            _pos++;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        }
        else if (Peek() == '.' && _pos > start) _pos++;   // "5." is 5
        if (_pos == start) throw new FormatException("number expected");
        SkipScientificExponent();
        return new NumberNode(double.Parse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>`1e-6`, `2.5E3`: an e directly followed by an (optionally signed) digit is a decimal exponent.</summary>
    private void SkipScientificExponent()
    {
        if (Peek() is not ('e' or 'E')) return;
        var at = _pos + 1;
        if (at < _text.Length && _text[at] is '+' or '-') at++;
        if (at >= _text.Length || !char.IsAsciiDigit(_text[at])) return;
        _pos = at;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
    }

    /// <summary>A run of letters: a plain function name (`sqrt(2)`), `pi`, an opaque word, or one letter.</summary>
    private MathNode ParseWord()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++;
        var word = _text[start.._pos];
        if (Array.IndexOf(PlainFunctions, word) >= 0) return word == "log" ? ParseLog() : ParseFunctionCall(word);
        if (word == "pi") return ConstantNode.Pi;
        if (word.Length >= 3) return new VariableNode(word + ReadSubscriptAndPrimes());
        _pos = start;
        return ParseLetter();
    }

    /// <summary>One letter with its subscript and primes; bare `e` and `i` are Euler's number and the imaginary unit.</summary>
    private MathNode ParseLetter()
    {
        var letter = _text[_pos++];
        var suffix = ReadSubscriptAndPrimes();
        if (suffix.Length == 0 && letter == 'e') return ConstantNode.E;
        if (suffix.Length == 0 && letter == 'i') return ConstantNode.ImaginaryUnit;
        return new VariableNode(letter + suffix);
    }

    private string ReadSubscriptAndPrimes()
    {
        var suffix = "";
        if (Peek() == '_' && _pos + 1 < _text.Length)
        {
            _pos++;
            if (_text[_pos] == '{')
            {
                var close = BraceScanner.FindClose(_text, _pos);
                if (close < 0) throw new FormatException("unclosed subscript");
                suffix = "_" + _text[(_pos + 1)..close].Replace(" ", "", StringComparison.Ordinal);
                _pos = close + 1;
            }
            else suffix = "_" + _text[_pos++];
        }
        while (Peek() == '\'')
        {
            suffix += "'";
            _pos++;
        }
        return suffix;
    }

    private MathNode ParseCommand()
    {
        Enter();
        var node = ParseCommandBody(ReadCommandName());
        _depth--;
        return node;
    }

    private MathNode ParseCommandBody(string name)
    {
        switch (name)
        {
            case "frac": { var top = ParseArgument(); return new BinaryNode('/', top, ParseArgument()); }
            case "binom": { var top = ParseArgument(); return new BinomialNode(top, ParseArgument()); }
            case "sqrt":
            {
                SkipSpaces();
                MathNode index = Peek() == '[' ? ParseGroup('[', ']') : new NumberNode(2);
                return new RootNode(index, ParseArgument());
            }
            case "lfloor": return ParseDelimited("floor", "\\rfloor");
            case "lceil": return ParseDelimited("ceil", "\\rceil");
            case "log": return ParseLog();
            case "exp": return ParseFunctionCall("exp");
        }
        if (FunctionNode.IsKnown(name)) return ParseFunctionCall(name);
        if (Greek.Contains(name)) return new VariableNode("\\" + name + ReadSubscriptAndPrimes());
        throw new FormatException("unsupported command");
    }

    private string ReadCommandName()
    {
        Expect('\\');
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++;
        if (_pos == start) throw new FormatException("command expected");
        return _text[start.._pos];
    }

    /// <summary>A TeX argument: a {group}, or a single digit, letter or command (`\frac12`, `\frac\pi2`).</summary>
    private MathNode ParseArgument()
    {
        SkipSpaces();
        var c = Peek();
        if (c == '{') return ParseGroup('{', '}');
        if (char.IsAsciiDigit(c)) return new NumberNode(_text[_pos++] - '0');
        if (char.IsAsciiLetter(c)) return ParseLetter();
        if (c is '\\' or 'π' or '∞') return ParsePrimary();
        throw new FormatException("argument expected");
    }

    private MathNode ParseDelimited(string function, string closing)
    {
        var inner = ParseSum();
        SkipSpaces();
        if (string.CompareOrdinal(_text, _pos, closing, 0, closing.Length) != 0) throw new FormatException("unclosed");
        _pos += closing.Length;
        return new FunctionNode(function, inner);
    }

    private MathNode ParseLog()
    {
        SkipSpaces();
        if (Peek() != '_') return ParseFunctionCall("log");
        _pos++;
        var logBase = ParseArgument();
        return new LogNode(logBase, ParseFunctionArgument());
    }

    /// <summary>`\sin^2 x`, `\sin(x)`, `\sin{x}`, `\sin 2x`; a power before the argument applies to the result.</summary>
    private MathNode ParseFunctionCall(string name)
    {
        SkipSpaces();
        MathNode? power = null;
        if (Peek() == '^')
        {
            _pos++;
            power = ParseExponent();
        }
        MathNode call = new FunctionNode(name, ParseFunctionArgument());
        return power is null ? call : new BinaryNode('^', call, power);
    }

    private MathNode ParseFunctionArgument()
    {
        SkipSpaces();
        if (Peek() == '(') return ParseGroup('(', ')');
        if (Peek() == '{') return ParseGroup('{', '}');
        Enter();
        var argument = ParsePower();
        while (true)
        {
            SkipSpaces();
            if (!StartsOperand() || StartsFunction()) break;
            argument = new BinaryNode('*', argument, ParsePower());
        }
        _depth--;
        return argument;
    }

    /// <summary>Whether an operand starts here, so that juxtaposition means multiplication.</summary>
    private bool StartsOperand()
    {
        var c = Peek();
        if (char.IsAsciiDigit(c) || char.IsAsciiLetter(c) || c is '.' or '(' or '[' or '{' or 'π' or '∞') return true;
        if (c == '|') return _absDepth == 0;
        if (c != '\\') return false;
        var name = PeekCommandName();
        return name is "frac" or "binom" or "sqrt" or "lfloor" or "lceil" or "log" or "exp"
            || FunctionNode.IsKnown(name) || Greek.Contains(name);
    }

    private bool StartsFunction()
    {
        var c = Peek();
        if (c == '\\')
        {
            var name = PeekCommandName();
            return name is "log" or "exp" || FunctionNode.IsKnown(name);
        }
        if (!char.IsAsciiLetter(c)) return false;
        var end = _pos;
        while (end < _text.Length && char.IsAsciiLetter(_text[end])) end++;
        return Array.IndexOf(PlainFunctions, _text[_pos..end]) >= 0;
    }

    private string PeekCommandName()
    {
        var end = _pos + 1;
        while (end < _text.Length && char.IsAsciiLetter(_text[end])) end++;
        return _text[(_pos + 1)..end];
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private void Expect(char c)
    {
        if (Peek() != c) throw new FormatException($"'{c}' expected");
        _pos++;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw new FormatException("nested too deeply");
    }
}
