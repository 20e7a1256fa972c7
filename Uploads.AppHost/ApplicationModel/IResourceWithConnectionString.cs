namespace Uploads.AppHost.ApplicationModel;

/// <summary>A resource others reach through a connection string, handed to them as <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    string ConnectionString { get; }
}
