using System.CommandLine;
using System.Text.Json.Nodes;
using Pipeline.Model;
using Pipeline.Model.Generation;
using Pipeline.Model.Tokenization;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline generate --model DIR --prompt "..." [--chat] [--max-tokens N] [--temperature T] [--top-p P]
/// [--top-k K] [--seed S] [--n K] [--json]</c>: samples K completions in one batch with the KV cache. Text by
/// default; <c>--json</c> prints one line per sample with ids, per-token logprobs and the finish reason.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "HF model folder", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Prompt text", Required = true };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt in the model's chat template as a user message" };
        var noThinking = new Option<bool>("--no-thinking") { Description = "With --chat: open the answer with an empty <think></think> block" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "New tokens per sample", DefaultValueFactory = _ => 256 };
        var temperature = new Option<float?>("--temperature") { Description = "0 = greedy (default: generation_config.json, else 1.0)" };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus threshold (default: generation_config.json, else 1.0)" };
        var topK = new Option<int?>("--top-k") { Description = "Keep the K most likely tokens; 0 = off (default: generation_config.json, else 0)" };
        var seed = new Option<ulong?>("--seed") { Description = "Makes sampling reproducible" };
        var n = new Option<int>("--n") { Description = "Samples", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "One JSON line per sample" };
        var command = new Command("generate", "Sample completions of a prompt") { model, prompt, chat, noThinking, maxTokens, temperature, topP, topK, seed, n, json };
        command.SetAction(parse =>
        {
            using var loaded = ModelFolder.Load(parse.GetValue(model)!);
            var text = parse.GetValue(prompt)!;
            if (parse.GetValue(chat))
                text = loaded.Tokenizer.ApplyChatTemplate([new ChatMessage("user", text)], enableThinking: !parse.GetValue(noThinking));
            var defaults = loaded.Generation;
            var sampling = new SamplingOptions
            {
                Temperature = parse.GetValue(temperature) ?? (float?)defaults?.Temperature ?? 1f,
                TopP = parse.GetValue(topP) ?? (float?)defaults?.TopP ?? 1f,
                TopK = parse.GetValue(topK) ?? defaults?.TopK ?? 0,
            };
            var problems = sampling.Problems();
            if (problems.Count > 0 || parse.GetValue(n) < 1 || parse.GetValue(maxTokens) < 0)
            {
                foreach (var p in problems) Console.Error.WriteLine(p);
                if (parse.GetValue(n) < 1) Console.Error.WriteLine("--n must be ≥ 1");
                if (parse.GetValue(maxTokens) < 0) Console.Error.WriteLine("--max-tokens must be ≥ 0");
                return 2;
            }
            return Run(loaded, text, sampling, parse.GetValue(maxTokens), parse.GetValue(seed), parse.GetValue(n), parse.GetValue(json));
        });
        return command;
    }

    private static int Run(LoadedModel loaded, string prompt, SamplingOptions sampling, int maxTokens, ulong? seed, int n, bool json)
    {
        var ids = loaded.Tokenizer.Encode(prompt);
        var requests = Enumerable.Range(0, n).Select(_ => new GenerationRequest(ids, maxTokens)).ToList();
        var options = new GenerationOptions
        {
            Sampling = sampling,
            EosTokenIds = loaded.EosTokenIds,
            Decode = t => loaded.Tokenizer.Decode(t),
            Seed = seed,
        };
        var results = BatchGenerator.Generate(loaded.Model, requests, options);
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var text = r.Text ?? loaded.Tokenizer.Decode(r.TokenIds);
            if (!json)
            {
                Console.WriteLine(n == 1 ? text : $"--- sample {i} ({r.FinishReason.ToString().ToLowerInvariant()}, {r.TokenIds.Length} tokens)\n{text}");
                continue;
            }
            Console.WriteLine(new JsonObject
            {
                ["index"] = i,
                ["text"] = text,
                ["token_ids"] = new JsonArray([.. r.TokenIds.Select(t => (JsonNode?)t)]),
                ["logprobs"] = new JsonArray([.. r.LogProbs.Select(l => (JsonNode?)l)]),
                ["finish_reason"] = r.FinishReason.ToString().ToLowerInvariant(),
            }.ToJsonString());
        }
        return 0;
    }
}
