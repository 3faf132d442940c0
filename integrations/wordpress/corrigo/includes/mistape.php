<?php
/**
 * "Switch from Mistape": its reports go to Corrigo through Corrigo's Mistape import
 * (a CSV of the table, or the table itself), and Mistape can be deactivated here.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/**
 * The columns Corrigo's import reads; readers' IP addresses and browsers are never exported.
 */
const CORRIGO_MISTAPE_COLUMNS = array( 'ID', 'blog_id', 'date', 'date_gmt', 'selection', 'selection_word', 'selection_replace_context', 'selection_context', 'comment', 'url', 'language', 'status' );

/**
 * Mistape's reports table (one per network, with a blog_id column), or null without one.
 *
 * @return string|null
 */
function corrigo_mistape_table() {
	global $wpdb;
	$table = $wpdb->base_prefix . 'mistape_reports';
	$found = $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	return $found === $table ? $table : null;
}

/**
 * The table's columns that Corrigo reads (older Mistape versions lack some).
 *
 * @param string $table The table.
 * @return string[]
 */
function corrigo_mistape_columns( $table ) {
	global $wpdb;
	$have = $wpdb->get_col( "SHOW COLUMNS FROM `{$table}`" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the name is the prefix's own
	return array_values( array_intersect( CORRIGO_MISTAPE_COLUMNS, $have ) );
}

/**
 * Mistape's plugin files (active or not).
 *
 * @return string[]
 */
function corrigo_mistape_plugins() {
	if ( ! function_exists( 'get_plugins' ) ) {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}
	$found = array();
	foreach ( get_plugins() as $file => $data ) {
		if ( 'mistape' === dirname( $file ) || ( isset( $data['TextDomain'] ) && 'mistape' === $data['TextDomain'] ) ) {
			$found[] = $file;
		}
	}
	return $found;
}

/**
 * Sends the current blog's Mistape reports as the CSV that "corrigo import mistape --csv" reads.
 */
function corrigo_handle_mistape_csv() {
	global $wpdb;
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You may not export the reports.', 'corrigo' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'corrigo_mistape_csv' );
	$table = corrigo_mistape_table();
	if ( null === $table ) {
		wp_die( esc_html__( 'Mistape’s reports table is not here.', 'corrigo' ), '', array( 'response' => 404 ) );
	}
	$columns = corrigo_mistape_columns( $table );
	$select  = '`' . implode( '`, `', $columns ) . '`';
	$where   = in_array( 'blog_id', $columns, true ) && is_multisite() ? $wpdb->prepare( 'WHERE blog_id = %d', get_current_blog_id() ) : '';
	nocache_headers();
	header( 'Content-Type: text/csv; charset=utf-8' );
	header( 'Content-Disposition: attachment; filename=mistape_reports.csv' );
	$out  = fopen( 'php://output', 'w' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fopen
	$last = 0;
	fputcsv( $out, $columns );
	// In pages, so that a large table never sits in memory at once.
	do {
		$rows = $wpdb->get_results( "SELECT {$select} FROM `{$table}` " . ( '' !== $where ? $where . ' AND' : 'WHERE' ) . $wpdb->prepare( ' ID > %d ORDER BY ID LIMIT 500', $last ), ARRAY_N ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- columns and table are our own
		foreach ( $rows as $row ) {
			fputcsv( $out, $row );
			$last = (int) $row[ array_search( 'ID', $columns, true ) ];
		}
	} while ( count( $rows ) === 500 );
	fclose( $out ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
	exit;
}
add_action( 'admin_post_corrigo_mistape_csv', 'corrigo_handle_mistape_csv' );

/**
 * Deactivates Mistape (admin-post.php?action=corrigo_mistape_deactivate).
 */
function corrigo_handle_mistape_deactivate() {
	if ( ! current_user_can( 'activate_plugins' ) ) {
		wp_die( esc_html__( 'You may not deactivate plugins.', 'corrigo' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( 'corrigo_mistape_deactivate' );
	deactivate_plugins( corrigo_mistape_plugins() );
	wp_safe_redirect( admin_url( 'options-general.php?page=corrigo&corrigo-mistape=off#corrigo-mistape' ) );
	exit;
}
add_action( 'admin_post_corrigo_mistape_deactivate', 'corrigo_handle_mistape_deactivate' );

/**
 * The "Switch from Mistape" part of the settings page, when Mistape's table exists.
 *
 * @param array $options The plugin's settings.
 */
function corrigo_render_mistape_section( array $options ) {
	global $wpdb;
	$table = corrigo_mistape_table();
	if ( null === $table ) {
		return;
	}
	$count   = (int) $wpdb->get_var( "SELECT COUNT(*) FROM `{$table}`" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the prefix's own table
	$key     = '' !== $options['site_key'] ? $options['site_key'] : 'SITE_KEY';
	$blog    = is_multisite() ? ' --blog-id ' . get_current_blog_id() : '';
	$active  = array_filter( corrigo_mistape_plugins(), 'is_plugin_active' );
	$csv     = sprintf( 'corrigo import mistape --csv mistape_reports.csv --site %s', $key );
	$mysql   = sprintf( 'corrigo import mistape --mysql mysql://USER:PASSWORD@%s/%s --prefix %s%s --site %s', DB_HOST, DB_NAME, $wpdb->base_prefix, $blog, $key );
	?>
	<h2 id="corrigo-mistape"><?php esc_html_e( 'Switch from Mistape', 'corrigo' ); ?></h2>
	<p>
		<?php
		/* translators: %s: a number of reports. */
		echo esc_html( sprintf( _n( 'Mistape’s table holds %s report. Corrigo imports them as misprints with their status (readers’ IP addresses are never exported); importing again adds only new ones.', 'Mistape’s table holds %s reports. Corrigo imports them as misprints with their status (readers’ IP addresses are never exported); importing again adds only new ones.', $count, 'corrigo' ), number_format_i18n( $count ) ) );
		?>
	</p>
	<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
		<input type="hidden" name="action" value="corrigo_mistape_csv">
		<?php wp_nonce_field( 'corrigo_mistape_csv' ); ?>
		<?php submit_button( __( 'Download the reports (CSV)', 'corrigo' ), 'secondary', 'corrigo-mistape-csv', false ); ?>
	</form>
	<p><?php esc_html_e( 'Then, on Corrigo’s server:', 'corrigo' ); ?> <code><?php echo esc_html( $csv ); ?></code></p>
	<p><?php esc_html_e( 'Or, when Corrigo can reach this database (a user that may only read that table):', 'corrigo' ); ?> <code><?php echo esc_html( $mysql ); ?></code></p>
	<?php if ( $active ) : ?>
		<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
			<input type="hidden" name="action" value="corrigo_mistape_deactivate">
			<?php wp_nonce_field( 'corrigo_mistape_deactivate' ); ?>
			<p><?php esc_html_e( 'Once Corrigo has the reports, Mistape is no longer needed (its table stays).', 'corrigo' ); ?></p>
			<?php submit_button( __( 'Deactivate Mistape', 'corrigo' ), 'secondary', 'corrigo-mistape-deactivate', false ); ?>
		</form>
	<?php else : ?>
		<p><?php esc_html_e( 'Mistape is not active.', 'corrigo' ); ?></p>
	<?php endif; ?>
	<?php
}
