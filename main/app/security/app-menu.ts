// The application menu: none on Windows and Linux, where Electron's default one has View > Toggle Developer Tools
// and its Ctrl+Shift+I shortcut, which would open DevTools in a packaged build. macOS keeps the app and Edit menus
// only: their roles are what make Cmd+Q and copy and paste work in the window.
export type MenuTemplate = Array<{ role: 'appMenu' | 'editMenu' }>;

export function applicationMenuTemplate(platform: NodeJS.Platform): MenuTemplate | null {
  return platform === 'darwin' ? [{ role: 'appMenu' }, { role: 'editMenu' }] : null;
}
