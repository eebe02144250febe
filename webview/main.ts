// The experiment panel's browser code arrives with the VS Code UI; this entry keeps the webview bundle wired.
export {};
