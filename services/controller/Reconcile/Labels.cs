using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>The labels on everything an experiment owns: its own labels plus which experiment, service and manager.</summary>
internal static class Labels
{
    public static Dictionary<string, string> ForExperiment(ExperimentObject experiment)
    {
        var labels = new Dictionary<string, string>(experiment.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ExperimentResource.ExperimentLabel] = experiment.Name,
            [ExperimentResource.ManagedByLabel] = ExperimentResource.ManagedBy,
            [ExperimentResource.PartOfLabel] = ExperimentResource.PartOf,
        };
        return labels;
    }

    public static Dictionary<string, string> ForService(ExperimentObject experiment, string service)
    {
        var labels = ForExperiment(experiment);
        labels[ExperimentResource.ComponentLabel] = service;
        return labels;
    }

    /// <summary>Selects the pods of one service (or, with no service, all of the experiment's pods).</summary>
    public static Dictionary<string, string> Selector(string experiment, string? service = null)
    {
        var selector = new Dictionary<string, string>(StringComparer.Ordinal) { [ExperimentResource.ExperimentLabel] = experiment };
        if (service is not null) selector[ExperimentResource.ComponentLabel] = service;
        return selector;
    }

    public static string SelectorText(string experiment) => $"{ExperimentResource.ExperimentLabel}={experiment}";
}
