var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/workflows", () => Array.Empty<object>());
app.Run();
