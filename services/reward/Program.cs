using Pipeline.Services.Reward;

// The reward service: `--spec FILE` (an invalid spec exits non-zero listing its errors), then gRPC Reward.Score,
// health and reflection on Service:GrpcPort, /metrics on Service:MetricsPort. Kafka (Pipeline.Bus.KafkaBus) is not
// wired yet: this slice answers direct calls only.
try
{
    await using var host = await RewardHost.StartAsync(args).ConfigureAwait(false);
    Console.WriteLine(FormattableString.Invariant($"reward: gRPC on port {host.GrpcPort}, metrics on port {host.MetricsPort}"));
    await host.WaitForShutdownAsync().ConfigureAwait(false);
    return 0;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 2;
}
