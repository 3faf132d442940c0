<?php
/**
 * Plugin Name:       Corrigo
 * Plugin URI:        https://github.com/corrigo/corrigo
 * Description:       Readers report misprints with Ctrl+Enter; editors fix them in Corrigo with one click.
 * Version:           1.0.0
 * Requires at least: 5.6
 * Requires PHP:      7.4
 * Author:            Corrigo
 * License:           MIT
 * Text Domain:       corrigo
 * Domain Path:       /languages
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

define( 'CORRIGO_VERSION', '1.0.0' );
define( 'CORRIGO_FILE', __FILE__ );

require_once __DIR__ . '/includes/options.php';
require_once __DIR__ . '/includes/client.php';
require_once __DIR__ . '/includes/embed.php';

/**
 * Loads the plugin's translations.
 */
function corrigo_load_textdomain() {
	load_plugin_textdomain( 'corrigo', false, dirname( plugin_basename( CORRIGO_FILE ) ) . '/languages' );
}
add_action( 'init', 'corrigo_load_textdomain' );

add_action( 'wp_enqueue_scripts', 'corrigo_enqueue_widget' );
add_filter( 'script_loader_tag', 'corrigo_script_tag', 10, 2 );
add_filter( 'the_content', 'corrigo_append_caption', 20 );

// The admin side is loaded only in the admin, and only what it needs.
if ( is_admin() ) {
	require_once __DIR__ . '/includes/settings-page.php';
	require_once __DIR__ . '/includes/connect.php';
	require_once __DIR__ . '/includes/mistape.php';
	require_once __DIR__ . '/includes/dashboard-widget.php';
}
