using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Keys;

/// <summary>
/// The key rotation's files and states on a virtual clock (docs/PROTOCOL.md §16.1, §16.6): announced, rotated, retired;
/// the descriptor of each state; a restart in the window and a crash between the retirement's steps.
/// </summary>
public sealed class DomainKeyRotationTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
    private readonly TempDirectory _directory = new("rotation");
    private readonly ManualClock _clock = new(Start);

    public DomainKeyRotationTests()
    {
        using var keys = DomainKeySet.Generate("b.example", _clock);
        keys.Save(_directory.Path);
    }

    public void Dispose() => _directory.Dispose();

    private DomainKeyRotation Open() => DomainKeyRotation.Open(_directory.Path, DomainKeySet.Load(_directory.Path), _clock);

    private string KeyFile(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public void Outside_a_rotation_the_one_key_set_is_current_and_nothing_is_due()
    {
        using var rotation = Open();

        Assert.Equal(KeyRotationState.None, rotation.Snapshot.State);
        Assert.Null(rotation.Snapshot.Other);
        Assert.Null(rotation.Refresh());
    }

    [Fact]
    public void An_announced_rotation_turns_at_rotates_at_and_retires_the_old_keys_at_previous_until()
    {
        using var rotation = Open();
        var old = rotation.Snapshot.Old;
        var oldFingerprint = Fingerprint(old);
        var changes = new List<KeyRotationSnapshot>();
        rotation.Changed += changes.Add;

        rotation.Begin(overlap: TimeSpan.FromDays(7), lead: TimeSpan.FromHours(1));

        // Announced: the old keys sign and are preferred, the next ones are opened with; the descriptor names them.
        var announced = rotation.Snapshot;
        Assert.Equal(KeyRotationState.Announced, announced.State);
        Assert.Same(old, announced.Current);
        Assert.NotNull(announced.Other);
        Assert.Equal(Start.AddHours(1), announced.RotatesAt);
        Assert.Equal(Start.AddHours(1).AddDays(7), announced.PreviousUntil);
        Assert.Equal(Start.AddHours(1), rotation.Refresh());
        var described = Verify(announced, [oldFingerprint]);
        Assert.Equal(KeyRotationState.Announced, described.RotationState);
        Assert.Equal(new Bytes32(old.AgreementPublicKey), described.AgreementKeyAt(_clock.GetUtcNow()));
        Assert.Equal(new Bytes32(announced.Other.AgreementPublicKey), described.AgreementKeyAt(Start.AddHours(1)));

        // Rotated at rotates_at: the new keys sign; the old fingerprint still vouches for them through the window.
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Start.AddHours(1).AddDays(7), rotation.Refresh());
        var rotated = rotation.Snapshot;
        Assert.Equal(KeyRotationState.Rotated, rotated.State);
        Assert.Same(announced.Other, rotated.Current);
        Assert.Same(old, rotated.Other);
        described = Verify(rotated, [oldFingerprint]);
        Assert.Equal(KeyRotationState.Rotated, described.RotationState);
        Assert.Equal(new Bytes32(old.AgreementPublicKey), described.PreviousAgreementKey);
        Assert.True(described.NamesAgreementKey(new Bytes32(old.AgreementPublicKey), _clock.GetUtcNow()));

        // A second before previous_until nothing changes; at it the old set is retired and domain.key holds the new one.
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        rotation.Refresh();
        Assert.Same(rotated, rotation.Snapshot);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(rotation.Refresh());
        var after = rotation.Snapshot;
        Assert.Equal(KeyRotationState.None, after.State);
        Assert.Same(rotated.Current, after.Current);
        Assert.Null(after.Other);
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.ScheduleFileName)));
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.NextSecretFileName)));
        using (var onDisk = DomainKeySet.Load(_directory.Path))
        {
            Assert.Equal(after.Current.AgreementPublicKey.ToArray(), onDisk.AgreementPublicKey.ToArray());
        }

        // After the window only the new fingerprint verifies the plain descriptor.
        Assert.Equal(KeyRotationState.None, Verify(after, [Fingerprint(after.Current)]).RotationState);
        Assert.Equal(DescriptorFailure.FingerprintMismatch, VerifyDocument(after, [oldFingerprint]).Failure);
        Assert.Equal([KeyRotationState.Announced, KeyRotationState.Rotated, KeyRotationState.None], changes.Select(c => c.State));
        Assert.True(changes.Select(c => c.Version).SequenceEqual(changes.Select(c => c.Version).Order()));
    }

    [Fact]
    public void A_rotation_begun_now_is_rotated_at_once()
    {
        using var rotation = Open();
        var old = rotation.Snapshot.Old;

        var snapshot = rotation.Begin(TimeSpan.FromDays(1));

        Assert.Equal(KeyRotationState.Rotated, snapshot.State);
        Assert.Same(old, snapshot.Other);
        Assert.Equal(Start, snapshot.RotatesAt);
        Assert.Throws<InvalidOperationException>(() => rotation.Begin(TimeSpan.FromDays(1)));
    }

    [Fact]
    public void A_rotation_scheduled_by_another_process_is_picked_up_by_the_next_refresh()
    {
        using var rotation = Open();
        DomainKeyRotation.Schedule(_directory.Path, "b.example", TimeSpan.FromDays(2), TimeSpan.Zero, _clock);
        Assert.Equal(KeyRotationState.None, rotation.Snapshot.State);

        rotation.Refresh();

        Assert.Equal(KeyRotationState.Rotated, rotation.Snapshot.State);
        Assert.Equal(File.ReadAllText(KeyFile(DomainKeyRotation.NextPublicFileName)), rotation.Snapshot.Current.PublicText());
    }

    [Fact]
    public void A_restart_inside_the_window_resumes_the_rotation_with_the_same_keys()
    {
        byte[] current, other;
        using (var rotation = Open())
        {
            rotation.Begin(TimeSpan.FromDays(3));
            current = rotation.Snapshot.Current.AgreementPublicKey.ToArray();
            other = rotation.Snapshot.Other!.AgreementPublicKey.ToArray();
        }

        _clock.Advance(TimeSpan.FromDays(1));
        using var again = Open();

        Assert.Equal(KeyRotationState.Rotated, again.Snapshot.State);
        Assert.Equal(current, again.Snapshot.Current.AgreementPublicKey.ToArray());
        Assert.Equal(other, again.Snapshot.Other!.AgreementPublicKey.ToArray());
    }

    [Fact]
    public void A_node_down_through_previous_until_retires_the_old_keys_at_start()
    {
        byte[] next;
        using (var rotation = Open())
        {
            next = rotation.Begin(TimeSpan.FromDays(1)).Current.AgreementPublicKey.ToArray();
        }

        _clock.Advance(TimeSpan.FromDays(2));
        using var again = Open();

        Assert.Equal(KeyRotationState.None, again.Snapshot.State);
        Assert.Equal(next, again.Snapshot.Current.AgreementPublicKey.ToArray());
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.ScheduleFileName)));
    }

    [Fact]
    public void A_crash_between_the_rename_and_the_schedules_delete_is_finished_on_open()
    {
        DomainKeyRotation.Schedule(_directory.Path, "b.example", TimeSpan.FromDays(1), TimeSpan.Zero, _clock);
        var next = File.ReadAllText(KeyFile(DomainKeyRotation.NextPublicFileName));
        File.Move(KeyFile(DomainKeyRotation.NextPublicFileName), KeyFile(DomainKeySet.PublicFileName), overwrite: true);
        File.Move(KeyFile(DomainKeyRotation.NextSecretFileName), KeyFile(DomainKeySet.SecretFileName), overwrite: true);

        using var rotation = Open();

        Assert.Equal(KeyRotationState.None, rotation.Snapshot.State);
        Assert.Equal(next, rotation.Snapshot.Current.PublicText());
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.ScheduleFileName)));
    }

    [Fact]
    public void A_next_key_set_without_a_schedule_was_never_used_and_is_discarded()
    {
        using (var stray = DomainKeySet.Generate("b.example"))
        {
            stray.Save(_directory.Path, DomainKeyRotation.NextSecretFileName, DomainKeyRotation.NextPublicFileName);
        }

        using var rotation = Open();

        Assert.Equal(KeyRotationState.None, rotation.Snapshot.State);
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.NextSecretFileName)));
    }

    [Fact]
    public void A_next_key_set_written_beside_an_open_rotation_is_left_for_the_schedule_that_follows_it()
    {
        using var rotation = Open();
        using (var next = DomainKeySet.Generate("b.example"))
        {
            next.Save(_directory.Path, DomainKeyRotation.NextSecretFileName, DomainKeyRotation.NextPublicFileName);
        }

        // A look between tern keys rotate-domain's two writes: the key set is not discarded under the schedule's feet.
        rotation.Refresh();
        Assert.True(File.Exists(KeyFile(DomainKeyRotation.NextSecretFileName)));
        Assert.Equal(KeyRotationState.None, rotation.Snapshot.State);

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        File.WriteAllText(KeyFile(DomainKeyRotation.ScheduleFileName), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"rotates_at\":{now},\"previous_until\":{now + 3600}}}"));
        rotation.Refresh();
        Assert.Equal(KeyRotationState.Rotated, rotation.Snapshot.State);
    }

    [Fact]
    public void A_schedule_that_is_not_one_is_refused_with_the_file_named()
    {
        File.WriteAllText(KeyFile(DomainKeyRotation.ScheduleFileName), "{\"rotates_at\":10,\"previous_until\":5}");
        using (var stray = DomainKeySet.Generate("b.example"))
        {
            stray.Save(_directory.Path, DomainKeyRotation.NextSecretFileName, DomainKeyRotation.NextPublicFileName);
        }

        var error = Assert.Throws<InvalidDataException>(Open);

        Assert.Contains(DomainKeyRotation.ScheduleFileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlaps_outside_a_second_to_30_days_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DomainKeyRotation.Schedule(_directory.Path, "b.example", TimeSpan.Zero, TimeSpan.Zero, _clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => DomainKeyRotation.Schedule(_directory.Path, "b.example", TimeSpan.FromDays(31), TimeSpan.Zero, _clock));
        Assert.False(File.Exists(KeyFile(DomainKeyRotation.ScheduleFileName)));
    }

    private static Bytes32 Fingerprint(DomainKeySet keys) => Bytes32.Parse(keys.Fingerprint);

    private DescriptorVerification VerifyDocument(KeyRotationSnapshot snapshot, Bytes32[] trusted)
    {
        var descriptor = snapshot.Describe(DomainDescriptor.For(snapshot.Current, ["udp://127.0.0.1:7400"], ["tern+tcp://127.0.0.1:7401"], TimeSpan.FromDays(30), _clock));
        return SignedDescriptor.Verify(SignedDescriptor.Sign(descriptor, snapshot.Current), "b.example", _clock.GetUtcNow(), trusted);
    }

    private DomainDescriptor Verify(KeyRotationSnapshot snapshot, Bytes32[] trusted)
    {
        var verification = VerifyDocument(snapshot, trusted);
        Assert.True(verification.IsValid, verification.ToString());
        return verification.Descriptor;
    }
}
