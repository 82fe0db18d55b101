module example.com/usertest

go 1.24

require github.com/passwordsafe-go/passwordsafe v0.0.0

require github.com/google/go-querystring v1.2.0 // indirect

replace github.com/passwordsafe-go/passwordsafe => ../..
