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
