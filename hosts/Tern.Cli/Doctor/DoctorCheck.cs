namespace Tern.Cli.Doctor;

/// <summary>One finding of <c>tern doctor</c>: what was checked, whether it is ok, and what was seen.</summary>
internal sealed record DoctorCheck(string Name, DoctorVerdict Verdict, string Detail);
