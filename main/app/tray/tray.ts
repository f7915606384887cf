// The tray icon: applies a TrayModel to Electron's Tray and Menu, and routes menu clicks to actions.
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayModel } from './model.js';

export class TrayView {
  private readonly tray: Tray;
  private lastIcon = '';

  constructor(
    private readonly iconsDir: string,
    private readonly onAction: (action: TrayAction) => void,
    initial: TrayModel,
  ) {
    this.tray = new Tray(this.image(initial.icon));
    this.lastIcon = initial.icon;
    this.apply(initial);
  }

  private image(name: string) {
    return nativeImage.createFromPath(path.join(this.iconsDir, `${name}.png`));
  }

  apply(model: TrayModel): void {
    if (model.icon !== this.lastIcon) {
      this.tray.setImage(this.image(model.icon));
      this.lastIcon = model.icon;
    }
    this.tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = [];
    for (const item of model.items) {
      if (item.separatorBefore) template.push({ type: 'separator' });
      const action = item.action;
      template.push({
        label: item.label,
        enabled: item.enabled,
        ...(item.checked === undefined ? {} : { type: 'checkbox' as const, checked: item.checked }),
        ...(item.accelerator ? { accelerator: item.accelerator, registerAccelerator: false } : {}),
        ...(action ? { click: () => this.onAction(action) } : {}),
      });
    }
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
