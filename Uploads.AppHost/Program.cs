using Uploads.AppHost;
using Uploads.AppHost.Hosting;

var builder = new DistributedApplicationBuilder(AppHostConfiguration.Read(args));
builder.AddUploads();

await using var app = builder.Build();
return await app.RunAsync();
