using Pipeline.Hosting;
using Pipeline.Services.Learner;

// The learner service: `--spec FILE --run-dir DIR --Kafka:BootstrapServers=HOST:PORT`. Restarts from the run's last
// complete checkpoint; trains from the `scored` topic; writes policy versions under DIR/policies and announces them
// on `policy`; gRPC Learner.GetStatus / GetPolicy, health and reflection; /metrics.
return await ServiceMain.RunAsync("learner", args, a => LearnerHost.StartAsync(a));
