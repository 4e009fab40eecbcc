namespace Tern.Load.Open;

/// <summary>How one operation ended: success, or the class of its error (<see cref="ErrorClasses"/>).</summary>
internal readonly record struct LoadOutcome(string? ErrorClass)
{
    /// <summary>Success.</summary>
    public static LoadOutcome Ok => default;

    public bool IsOk => ErrorClass is null;

    /// <summary>An answer with an HTTP status the operation does not expect.</summary>
    public static LoadOutcome Http(int status) => new(ErrorClasses.Http(status));

    public static LoadOutcome Error(string errorClass) => new(errorClass);
}
