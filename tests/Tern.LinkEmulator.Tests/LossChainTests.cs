namespace Tern.LinkEmulator.Tests;

public sealed class LossChainTests
{
    [Fact]
    public void Gilbert_elliott_bursts_last_one_over_q_datagrams_on_average()
    {
        const double P = 0.01;
        const double Q = 0.167;
        var chain = new LossChain(LossModel.GilbertElliott(P, Q), new Random(17));
        long lost = 0;
        long bursts = 0;
        var previous = false;
        const int Draws = 1_000_000;
        for (var i = 0; i < Draws; i++)
        {
            var now = chain.NextIsLost();
            if (now)
            {
                lost++;
                if (!previous)
                {
                    bursts++;
                }
            }

            previous = now;
        }

        // About 9,400 bursts: the mean burst's standard error is sqrt(1 - q) / q / sqrt(9400) ≈ 0.056, so ±5 % (0.3) is 5σ.
        var meanBurst = (double)lost / bursts;
        Assert.InRange(meanBurst, 1 / Q * 0.95, 1 / Q * 1.05);

        // The stationary loss rate p / (p + q) ≈ 5.65 %.
        Assert.InRange((double)lost / Draws, P / (P + Q) * 0.9, P / (P + Q) * 1.1);
    }

    [Fact]
    public void Bernoulli_losses_come_alone_as_often_as_chance_says()
    {
        var chain = new LossChain(LossModel.Bernoulli(0.2), new Random(3));
        var pairs = 0;
        var lost = 0;
        var previous = false;
        for (var i = 0; i < 100_000; i++)
        {
            var now = chain.NextIsLost();
            lost += now ? 1 : 0;
            pairs += now && previous ? 1 : 0;
            previous = now;
        }

        // Independent draws: a loss follows a loss with probability p (0.2), not more.
        Assert.InRange((double)pairs / lost, 0.18, 0.22);
    }

    [Fact]
    public void A_clocked_chain_steps_through_idle_datagram_times_and_an_unclocked_one_ignores_them()
    {
        // p = q = 1 alternates good and bad each step: one idle step lands the next datagram in the good state, two in the bad.
        var once = new LossChain(LossModel.GilbertElliott(1, 1, clockedByLink: true), new Random(1));
        once.Idle(1);
        Assert.False(once.NextIsLost());

        var twice = new LossChain(LossModel.GilbertElliott(1, 1, clockedByLink: true), new Random(1));
        twice.Idle(2);
        Assert.True(twice.NextIsLost());

        var perDatagram = new LossChain(LossModel.GilbertElliott(1, 1), new Random(1));
        perDatagram.Idle(1);
        Assert.True(perDatagram.NextIsLost());
    }

    [Fact]
    public void A_lossless_model_loses_nothing()
    {
        var chain = new LossChain(LossModel.None, new Random(1));
        for (var i = 0; i < 10_000; i++)
        {
            Assert.False(chain.NextIsLost());
        }
    }
}
