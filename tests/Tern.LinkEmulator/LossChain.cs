namespace Tern.LinkEmulator;

/// <summary>The running state of one direction's <see cref="LossModel"/>. Not thread-safe: its owner serialises calls.</summary>
internal sealed class LossChain
{
    private readonly LossModel _model;
    private readonly Random _random;
    private bool _bad;

    public LossChain(LossModel model, Random random)
    {
        _model = model;
        _random = random;
    }

    /// <summary>
    /// Steps the chain through <paramref name="steps"/> datagram times the link sat idle, when its model is
    /// <see cref="LossModel.ClockedByLink"/>: the state after n steps is drawn from the chain's n-step law,
    /// P(bad) = π + (s − π)(1 − p − q)ⁿ with π = p / (p + q) and s the state now (1 bad, 0 good), so one draw stands for
    /// any idle span.
    /// </summary>
    public void Idle(long steps)
    {
        var sum = _model.P + _model.Q;
        if (steps <= 0 || !_model.ClockedByLink || sum == 0)
        {
            return;
        }

        var stationary = _model.P / sum;
        var bad = stationary + (((_bad ? 1 : 0) - stationary) * Math.Pow(1 - sum, steps));
        _bad = _random.NextDouble() < bad;
    }

    /// <summary>Steps the chain by one datagram and says whether that datagram is lost.</summary>
    public bool NextIsLost()
    {
        if (_model.IsLossless)
        {
            return false;
        }

        // The state moves first, then the datagram is judged in the state it meets (Gilbert–Elliott as netem's gemodel).
        _bad = _bad ? _random.NextDouble() >= _model.Q : _random.NextDouble() < _model.P;
        return _random.NextDouble() < (_bad ? _model.LossInBad : _model.LossInGood);
    }
}
