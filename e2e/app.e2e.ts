import { expect, test } from '@playwright/test';

test('the built renderer shows the empty state a new user sees', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Clave' })).toBeVisible();
  await expect(page.getByText('Drop a Laravel project folder here')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/empty-state.png' });
});
