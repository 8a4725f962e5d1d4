namespace Pipeline.Model.Sft;

/// <summary>
/// Linear warm-up then cosine decay (the nanoGPT / GPT-3 schedule): for steps 1…S with W warm-up steps,
/// lr(s) = peak · s / W for s ≤ W, else min + (peak − min) · ½ (1 + cos(π (s − W) / (S − W))), where min = peak · ratio.
/// </summary>
public sealed record LearningRateSchedule(double Peak, int Steps, int WarmupSteps, double MinRatio)
{
    /// <summary>The learning rate of step <paramref name="step"/> (1-based).</summary>
    public double At(int step)
    {
        if (step <= WarmupSteps) return Peak * step / Math.Max(1, WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps));
        var min = Peak * MinRatio;
        return min + ((Peak - min) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
