using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tern.Engine.Tests.Architecture;

/// <summary>
/// Reads an assembly's metadata and IL and lists, for each type defined in it, the other types of the same assembly it
/// uses: base type and interfaces, generic constraints, custom attributes, the signatures of its fields, methods,
/// properties and events, its methods' locals, and every type, method and field token in its methods' IL (calls,
/// allocations, field accesses, casts, <c>typeof</c>, generic instantiations). Nested and compiler-generated types
/// (lambdas' closures, async state machines) count as their outermost type. What the compiler inlines leaves no trace:
/// constants and enum members used as literals are not seen.
/// </summary>
public sealed class TypeReferenceCollector : IDisposable
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly PEReader _pe;
    private readonly MetadataReader _md;

    /// <summary>Opens the assembly at <paramref name="path"/>.</summary>
    public TypeReferenceCollector(string path)
    {
        _pe = new PEReader(File.OpenRead(path));
        _md = _pe.GetMetadataReader();
    }

    /// <summary>Every (user, used) pair of full type names, outermost types only, a type never paired with itself.</summary>
    public IReadOnlyCollection<(string From, string To)> Collect()
    {
        var edges = new HashSet<(string, string)>();
        foreach (var handle in _md.TypeDefinitions)
        {
            var from = Name(Outermost(handle));
            var used = new HashSet<TypeDefinitionHandle>();
            Visit(handle, used);
            foreach (var target in used)
            {
                var to = Name(Outermost(target));
                if (to != from)
                {
                    edges.Add((from, to));
                }
            }
        }

        return edges;
    }

    /// <inheritdoc />
    public void Dispose() => _pe.Dispose();

    private void Visit(TypeDefinitionHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        var provider = new Provider(_md, used);
        var type = _md.GetTypeDefinition(handle);
        AddType(type.BaseType, provider);
        foreach (var i in type.GetInterfaceImplementations())
        {
            AddType(_md.GetInterfaceImplementation(i).Interface, provider);
        }

        AddGenericParameters(type.GetGenericParameters(), provider);
        AddAttributes(type.GetCustomAttributes(), provider);
        foreach (var f in type.GetFields())
        {
            var field = _md.GetFieldDefinition(f);
            field.DecodeSignature(provider, null);
            AddAttributes(field.GetCustomAttributes(), provider);
        }

        foreach (var p in type.GetProperties())
        {
            var property = _md.GetPropertyDefinition(p);
            property.DecodeSignature(provider, null);
            AddAttributes(property.GetCustomAttributes(), provider);
        }

        foreach (var e in type.GetEvents())
        {
            AddType(_md.GetEventDefinition(e).Type, provider);
        }

        foreach (var m in type.GetMethods())
        {
            var method = _md.GetMethodDefinition(m);
            method.DecodeSignature(provider, null);
            AddGenericParameters(method.GetGenericParameters(), provider);
            AddAttributes(method.GetCustomAttributes(), provider);
            foreach (var p in method.GetParameters())
            {
                AddAttributes(_md.GetParameter(p).GetCustomAttributes(), provider);
            }

            if (method.RelativeVirtualAddress != 0)
            {
                AddBody(_pe.GetMethodBody(method.RelativeVirtualAddress), provider);
            }
        }
    }

    private void AddBody(MethodBodyBlock body, Provider provider)
    {
        if (!body.LocalSignature.IsNil)
        {
            _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il.ReadByte());
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    AddToken(il.ReadInt32(), provider);
                    break;
                default:
                    // InlineBrTarget, InlineI, ShortInlineR, InlineString: four bytes that name no type.
                    il.Offset += 4;
                    break;
            }
        }
    }

    private void AddToken(int token, Provider provider)
    {
        var handle = MetadataTokens.EntityHandle(token);
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                provider.Used.Add(_md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                provider.Used.Add(_md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                AddType(member.Parent, provider);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(provider, null);
                }
                else
                {
                    member.DecodeFieldSignature(provider, null);
                }

                break;
            case HandleKind.MethodSpecification:
                var spec = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddToken(MetadataTokens.GetToken(spec.Method), provider);
                spec.DecodeSignature(provider, null);
                break;
            case HandleKind.StandaloneSignature:
                var signature = _md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (signature.GetKind() == StandaloneSignatureKind.Method)
                {
                    signature.DecodeMethodSignature(provider, null);
                }

                break;
            default:
                AddType(handle, provider);
                break;
        }
    }

    private void AddType(EntityHandle handle, Provider provider)
    {
        if (handle.IsNil)
        {
            // No base type (interfaces, <Module>): a nil coded index reads as type definition 0.
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                provider.Used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                _md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                break;
            case HandleKind.MethodDefinition:
                provider.Used.Add(_md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            default:
                // Type references name other assemblies' types; module references, native imports.
                break;
        }
    }

    private void AddGenericParameters(GenericParameterHandleCollection parameters, Provider provider)
    {
        foreach (var p in parameters)
        {
            foreach (var c in _md.GetGenericParameter(p).GetConstraints())
            {
                AddType(_md.GetGenericParameterConstraint(c).Type, provider);
            }
        }
    }

    private void AddAttributes(CustomAttributeHandleCollection attributes, Provider provider)
    {
        foreach (var a in attributes)
        {
            var constructor = _md.GetCustomAttribute(a).Constructor;
            AddToken(MetadataTokens.GetToken(constructor), provider);
        }
    }

    private TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
    {
        while (true)
        {
            var declaring = _md.GetTypeDefinition(handle).GetDeclaringType();
            if (declaring.IsNil)
            {
                return handle;
            }

            handle = declaring;
        }
    }

    private string Name(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        var ns = _md.GetString(type.Namespace);
        var name = _md.GetString(type.Name);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>Decodes signatures for their side effect: each type defined in this assembly it meets goes to <see cref="Used"/>.</summary>
    private sealed class Provider(MetadataReader md, HashSet<TypeDefinitionHandle> used) : ISignatureTypeProvider<bool, object?>
    {
        public HashSet<TypeDefinitionHandle> Used { get; } = used;

        public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Used.Add(handle);

        public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => false;

        public bool GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public bool GetArrayType(bool elementType, ArrayShape shape) => false;

        public bool GetByReferenceType(bool elementType) => false;

        public bool GetFunctionPointerType(MethodSignature<bool> signature) => false;

        public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => false;

        public bool GetGenericMethodParameter(object? genericContext, int index) => false;

        public bool GetGenericTypeParameter(object? genericContext, int index) => false;

        public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => false;

        public bool GetPinnedType(bool elementType) => false;

        public bool GetPointerType(bool elementType) => false;

        public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => false;

        public bool GetSZArrayType(bool elementType) => false;
    }
}
