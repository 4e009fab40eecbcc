namespace Tern.Cli.Doctor;

/// <summary>A check's outcome: <c>Fail</c> makes <c>tern doctor</c> exit 1.</summary>
internal enum DoctorVerdict
{
    Ok,
    Warn,
    Fail,
}
