using System.Reflection;
using System.Text;
using System.Xml.Linq;
using ResilientSse.Streaming;

namespace ResilientSse.Tests.Packaging;

/// <summary>
/// The XML documentation file shipped next to the assembly (and in the package) describes the public
/// API and nothing else: the build drops what the compiler wrote for internal members.
/// </summary>
public class DocumentationFileTests
{
    private static readonly Assembly Library = typeof(SseClient).Assembly;

    [Fact]
    public void DocumentationFile_EveryDocumentedMember_IsPublicOrProtected()
    {
        var visible = VisibleMemberIds();

        var hidden = DocumentedIds().Where(id => !visible.Contains(id)).ToList();

        Assert.True(hidden.Count == 0, "Documented but not public or protected: " + string.Join(", ", hidden));
    }

    [Fact]
    public void DocumentationFile_EveryPublicType_IsDocumented()
    {
        var documented = DocumentedIds().ToHashSet(StringComparer.Ordinal);

        var missing = Library.GetExportedTypes().Select(t => "T:" + TypeName(t)).Where(id => !documented.Contains(id)).ToList();

        Assert.NotEmpty(documented);
        Assert.True(missing.Count == 0, "Public but not documented: " + string.Join(", ", missing));
    }

    [Fact]
    public void DocumentationFile_EveryPublicMemberWrittenInSource_KeepsItsDocumentation()
    {
        var documented = DocumentedIds().ToHashSet(StringComparer.Ordinal);

        // Members the compiler writes (a record's Equals, accessors, enum plumbing) have no comment of their own.
        var missing = VisibleMemberIds(includeCompilerWritten: false).Where(id => !documented.Contains(id)).ToList();

        Assert.True(missing.Count == 0, "Public but without documentation in the file: " + string.Join(", ", missing));
    }

    private static List<string> DocumentedIds()
    {
        var path = Path.ChangeExtension(Library.Location, ".xml");
        Assert.True(File.Exists(path), $"{path} was not generated next to the assembly.");
        return XDocument.Load(path).Descendants("member").Select(m => (string?)m.Attribute("name") ?? "").ToList();
    }

    private static HashSet<string> VisibleMemberIds(bool includeCompilerWritten = true)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in Library.GetTypes().Where(IsVisible))
        {
            var name = TypeName(type);
            ids.Add("T:" + name);
            foreach (var member in type.GetMembers(declared))
            {
                if (!includeCompilerWritten && IsCompilerWritten(member))
                {
                    continue;
                }

                var id = member switch
                {
                    ConstructorInfo c when IsVisible(c) => $"M:{name}.#ctor{Parameters(c.GetParameters())}",
                    MethodInfo m when IsVisible(m) => $"M:{name}.{m.Name}{(m.IsGenericMethodDefinition ? "``" + m.GetGenericArguments().Length : "")}{Parameters(m.GetParameters())}"
                        + (m.Name is "op_Implicit" or "op_Explicit" ? "~" + TypeReference(m.ReturnType) : ""),
                    PropertyInfo p when p.GetAccessors(nonPublic: true).Any(IsVisible) => $"P:{name}.{p.Name}{Parameters(p.GetIndexParameters())}",
                    FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"F:{name}.{f.Name}",
                    EventInfo e when e.AddMethod is { } add && IsVisible(add) => $"E:{name}.{e.Name}",
                    _ => null,
                };
                if (id is not null)
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    private static bool IsCompilerWritten(MemberInfo member) =>
        member.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false)
        || member is MethodBase { IsSpecialName: true } and not MethodInfo { Name: ['o', 'p', '_', ..] }
        || member is FieldInfo { IsSpecialName: true }
        || (member is ConstructorInfo { IsStatic: false } c && c.GetParameters().Length == 0 && c.DeclaringType!.IsValueType);

    private static bool IsVisible(Type type) =>
        type.IsPublic || ((type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamORAssem) && IsVisible(type.DeclaringType!));

    /// <summary>Public, or protected in a type that can be derived from (as the public API files count them).</summary>
    private static bool IsVisible(MethodBase method) =>
        method.IsPublic || ((method.IsFamily || method.IsFamilyOrAssembly) && method.DeclaringType is { IsSealed: false });

    /// <summary>The name of a type as a documentation id writes it: nested types joined by dots, generic arity kept.</summary>
    private static string TypeName(Type type) =>
        type.IsNested ? TypeName(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => TypeReference(p.ParameterType))) + ")";

    /// <summary>A type used in a signature, in the documentation-id grammar (C# language specification, annex D).</summary>
    private static string TypeReference(Type type)
    {
        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        }

        if (type.IsByRef)
        {
            return TypeReference(type.GetElementType()!) + "@";
        }

        if (type.IsPointer)
        {
            return TypeReference(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            var rank = type.GetArrayRank();
            return TypeReference(type.GetElementType()!) + (rank == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", rank)) + "]");
        }

        if (!type.IsGenericType)
        {
            return TypeName(type);
        }

        // A constructed type lists its arguments in braces; each nesting level takes its own share of them.
        var arguments = type.GetGenericArguments();
        var builder = new StringBuilder();
        var chain = new Stack<Type>();
        for (var t = type.GetGenericTypeDefinition(); t is not null; t = t.DeclaringType)
        {
            chain.Push(t);
        }

        var used = 0;
        foreach (var level in chain)
        {
            builder.Append(builder.Length == 0 ? level.Namespace + "." : ".");
            var tick = level.Name.IndexOf('`', StringComparison.Ordinal);
            builder.Append(tick < 0 ? level.Name : level.Name[..tick]);
            var count = level.GetGenericArguments().Length - used;
            if (count > 0)
            {
                builder.Append('{').Append(string.Join(",", arguments.Skip(used).Take(count).Select(TypeReference))).Append('}');
                used += count;
            }
        }

        return builder.ToString();
    }
}
